"""Every rule code the linter can emit, with its family and a short title (for docs and `--list`).

Families: ``input`` (SX-X: the file itself), ``dialect`` (SX-D1xx: what our Camunda-7-over-SpiffWorkflow
runtime cannot run or would run wrongly), ``compliance`` (SX-C2xx: the three systems), ``form`` (SX-F3xx).
Codes are stable: never renumber, only add.
"""

from __future__ import annotations

from typing import NamedTuple

from engine.compliance.findings import Finding, Severity


class RuleInfo(NamedTuple):
    family: str
    title_zh: str
    title_en: str


FAMILIES = ("input", "dialect", "compliance", "form")

_TABLE: tuple[tuple[str, str, str, str], ...] = (
    ("SX-X001", "input", "XML 格式不正确", "not well-formed XML"),
    ("SX-X002", "input", "拒绝 DOCTYPE / DTD / 实体声明", "DOCTYPE, DTD or entity declarations refused"),
    ("SX-X003", "input", "文件过大", "file larger than the size limit"),
    ("SX-X004", "input", "文件为空", "empty file"),
    ("SX-X005", "input", "不是 BPMN 文件", "not a BPMN 2.0 document"),
    ("SX-X006", "input", "文件无法读取", "file cannot be read"),
    ("SX-X007", "input", "不认识的文件类型", "unknown file type"),
    ("SX-X008", "input", "流程图过大，无法做路径检查", "diagram too large for the path rules"),
    ("SX-X009", "input", "检查器内部错误", "internal linter error"),
    ("SX-X010", "input", "不是 UTF-8 编码", "not UTF-8 (UTF-16, GBK, NUL bytes, another declared encoding)"),
    ("SX-X011", "input", "UTF-8 BOM 已去除", "UTF-8 byte-order mark removed on deploy"),
    ("SX-D101", "dialect", "Camunda 8 文件", "Camunda 8 (zeebe) file"),
    ("SX-D102", "dialect", "没有可执行流程", "no executable process"),
    ("SX-D103", "dialect", "一个文件有多个可执行流程", "more than one executable process in one file"),
    ("SX-D104", "dialect", "流程没有开始事件", "process without a start event"),
    ("SX-D105", "dialect", "定时开始事件", "timer start event"),
    ("SX-D106", "dialect", "保留的元素 id", "reserved element id (Start, End, *.EndJoin)"),
    ("SX-D107", "dialect", "重复的 id", "duplicate id"),
    ("SX-D108", "dialect", "引用不存在的元素", "reference to an unknown or misplaced element"),
    ("SX-D109", "dialect", "不支持的脚本", "unsupported script"),
    ("SX-D110", "dialect", "不支持 camunda:class", "camunda:class (Java class) not supported"),
    ("SX-D111", "dialect", "服务任务不支持 camunda:expression", "camunda:expression on a service task"),
    ("SX-D112", "dialect", "不支持 camunda:connector", "camunda:connector not supported"),
    ("SX-D113", "dialect", "服务任务缺少受支持的实现", "service task without a supported implementation"),
    (
        "SX-D114",
        "dialect",
        "监听器使用 Java 类或其他语言的脚本",
        "listener with a Java class or a script in another language",
    ),
    ("SX-D115", "dialect", "表达式监听器不运行", "expression listener is not run"),
    ("SX-D116", "dialect", "不支持的元素类型", "unsupported element kind"),
    ("SX-D117", "dialect", "不支持的事件类型", "unsupported event definition"),
    ("SX-D118", "dialect", "网关出口缺少条件", "gateway outgoing flow without a condition"),
    ("SX-D119", "dialect", "排他网关没有默认流", "exclusive gateway without a default flow"),
    ("SX-D120", "dialect", "定时器没有定义", "timer without a definition"),
    ("SX-D121", "dialect", "定时日期没有时区", "timeDate without a UTC offset"),
    ("SX-D122", "dialect", "定时器的值无法运行", "timer value our runtime cannot run"),
    ("SX-D123", "dialect", "FEEL 条件", "FEEL condition"),
    ("SX-D124", "dialect", "条件无法解析", "condition cannot be parsed"),
    ("SX-D125", "dialect", "缺少图形信息 (DI)", "missing diagram layout (DI)"),
    ("SX-D126", "dialect", "不运行的 camunda:inputOutput", "camunda:inputOutput that is not run"),
    ("SX-D127", "dialect", "异步标记将被忽略", "camunda:asyncBefore/asyncAfter is ignored"),
    ("SX-D128", "dialect", "多个无类型开始事件", "more than one none start event"),
    ("SX-D129", "dialect", "循环定时器周期过短", "timer cycle period under the floor"),
    ("SX-D130", "dialect", "循环定时器次数无上限或过多", "timer cycle repeats without a bound or too often"),
    ("SX-D131", "dialect", "定时时长超过 100 年", "timer duration longer than 100 years"),
    (
        "SX-D132",
        "dialect",
        "表达式的常量部分必然失败（超出预算等）",
        "constant part of an expression certain to fail (over budget…)",
    ),
    ("SX-D133", "dialect", "到期或跟进日期无法计算", "camunda:dueDate/followUpDate that cannot be computed"),
    (
        "SX-D140",
        "dialect",
        "用户任务属性表达式无法运行",
        "user-task attribute expression the runtime cannot compile",
    ),
    ("SX-D141", "dialect", "优先级不是整数", "camunda:priority not a whole number"),
    ("SX-D142", "dialect", "用户任务没有可能的办理人", "user task with no possible performer"),
    (
        "SX-D143",
        "dialect",
        "处理程序未注册",
        "no handler registered under the name a service task or listener uses",
    ),
    ("SX-D144", "dialect", "不支持的监听器事件", "listener event not supported"),
    ("SX-D145", "dialect", "不支持监听器字段注入", "listener field injection (camunda:field) not supported"),
    (
        "SX-D146",
        "dialect",
        "不支持的表单字段校验规则",
        "form field constraint not supported (custom validator)",
    ),
    ("SX-D147", "dialect", "不支持的表单字段类型", "form field type not supported"),
    ("SX-D148", "dialect", "表单字段定义有误", "form field definition that cannot work"),
    (
        "SX-D149",
        "dialect",
        "不支持嵌入式或外部表单",
        "embedded or external form (camunda:formKey) not supported",
    ),
    ("SX-D150", "dialect", "同一任务有两种表单", "generated form (formData) and another form on one task"),
    ("SX-D151", "dialect", "表单绑定方式无法运行", "camunda:formRefBinding that cannot work"),
    ("SX-D160", "dialect", "多实例只支持人工任务", "multi-instance on anything but a user task"),
    ("SX-D161", "dialect", "多实例缺少实例数", "multi-instance without loopCardinality or collection"),
    ("SX-D162", "dialect", "元素变量缺少集合", "element variable without a collection"),
    ("SX-D163", "dialect", "多实例输出集合", "multi-instance output collection (not in Camunda 7)"),
    ("SX-D164", "dialect", "多实例体异步", "asynchronous continuation on the multi-instance body"),
    ("SX-D165", "dialect", "多实例表达式无法运行", "multi-instance expression that cannot run"),
    ("SX-D166", "dialect", "循环标记", "loop marker (standardLoopCharacteristics)"),
    ("SX-D170", "dialect", "调用活动没有固定的被调用流程", "call activity without a static calledElement"),
    (
        "SX-D171",
        "dialect",
        "不支持的调用活动设置",
        "call-activity setting not supported (tenant, mapping class, CMMN)",
    ),
    ("SX-D172", "dialect", "调用绑定方式无法运行", "camunda:calledElementBinding that cannot work"),
    ("SX-D173", "dialect", "调用变量映射无法运行", "camunda:in/camunda:out that cannot run"),
    ("SX-D174", "dialect", "被调用流程没有所标环节", "called process lacks the call activity's role"),
    ("SX-D175", "dialect", "被调用的流程未部署", "called process not deployed"),
    ("SX-D180", "dialect", "外部任务放在须由人办理的环节", "external task on a step a person must do"),
    ("SX-C201", "compliance", "决定前未经重大判断", "decision not behind a major-check"),
    ("SX-C202", "compliance", "重大决定前未经法制审核", "major decision without a legal review"),
    ("SX-C203", "compliance", "法制审核后没有审核结论网关", "legal review not followed by a review-outcome"),
    ("SX-C204", "compliance", "审核未通过即可作出决定", "decision reachable from a non-pass review outcome"),
    ("SX-C205", "compliance", "审核结论出口不明确", "review-outcome flow without a clear outcome"),
    ("SX-C206", "compliance", "退回未回到法制审核", "return does not loop back to the legal review"),
    ("SX-C207", "compliance", "退回次数上限不当", "sanxiang.maxReturns not an integer from 0 to 10"),
    ("SX-C208", "compliance", "重大判断未标明分支", "major-check does not mark major and non-major branches"),
    ("SX-C209", "compliance", "角色未知或放错元素", "unknown role or role on the wrong element kind"),
    ("SX-C210", "compliance", "结束前未经归档记录", "end event reachable without records capture"),
    ("SX-C211", "compliance", "决定后未送达", "decision not followed by delivery"),
    ("SX-C212", "compliance", "决定后未公示", "decision not followed by disclosure"),
    ("SX-C213", "compliance", "应录音录像的环节关闭了录像", "audio/video evidence switched off"),
    ("SX-C214", "compliance", "现场环节未要求执法证件", "on-site task does not require a certificate"),
    ("SX-C215", "compliance", "服务指南缺项", "service guide property missing"),
    ("SX-C216", "compliance", "办理时限不当", "time limits in the guide not sane"),
    ("SX-C217", "compliance", "人工任务没有办理人", "user task without candidate group or assignee"),
    ("SX-C218", "compliance", "人工任务没有表单", "user task without a form"),
    ("SX-C219", "compliance", "流程没有决定环节", "process without a decision task"),
    ("SX-C220", "compliance", "被调用程序中有决定环节", "decision inside a called procedure"),
    ("SX-C221", "compliance", "流程类型未知", "unknown sanxiang.kind (item or procedure)"),
    ("SX-F301", "form", "不是有效的 JSON", "not valid JSON"),
    ("SX-F302", "form", "表单不是 JSON 对象", "form is not a JSON object"),
    ("SX-F303", "form", "表单缺少 id", "form without an id"),
    ("SX-F304", "form", "表单缺少 components", "form without components"),
    ("SX-F305", "form", "字段缺少 key", "field without a key"),
    ("SX-F306", "form", "组件格式不正确", "malformed component"),
    ("SX-F307", "form", "字段 key 重复", "duplicate field key"),
    ("SX-F308", "form", "不认识的组件类型", "unknown component type (the server could not check its data)"),
    ("SX-F309", "form", "格式规则无法安全运行", "validation pattern that cannot run safely"),
    ("SX-F310", "form", "显示条件无法在服务端判断", "show/hide condition the server cannot evaluate"),
    ("SX-F311", "form", "表单组件过多", "more components than the limit"),
)

RULES: dict[str, RuleInfo] = {code: RuleInfo(family, zh, en) for code, family, zh, en in _TABLE}


def finding(
    code: str,
    message_zh: str,
    message_en: str,
    *,
    element_id: str | None = None,
    line: int | None = None,
    warning: bool = False,
) -> Finding:
    """Build a finding of a known code (the code must be in `RULES`)."""
    assert code in RULES, code
    severity = Severity.WARNING if warning else Severity.ERROR
    return Finding(code, message_zh, message_en, element_id=element_id, line=line, severity=severity)

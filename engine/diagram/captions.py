"""Words the picture itself shows: element type names for unnamed tooltips, badges, the empty note."""

from __future__ import annotations

_TYPES: dict[str, tuple[str, str]] = {
    "participant": ("参与者", "Participant"),
    "lane": ("泳道", "Lane"),
    "task": ("任务", "Task"),
    "userTask": ("用户任务", "User task"),
    "serviceTask": ("服务任务", "Service task"),
    "scriptTask": ("脚本任务", "Script task"),
    "sendTask": ("发送任务", "Send task"),
    "receiveTask": ("接收任务", "Receive task"),
    "manualTask": ("手工任务", "Manual task"),
    "businessRuleTask": ("业务规则任务", "Business rule task"),
    "subProcess": ("子流程", "Sub-process"),
    "transaction": ("事务", "Transaction"),
    "adHocSubProcess": ("自由子流程", "Ad-hoc sub-process"),
    "callActivity": ("调用活动", "Call activity"),
    "startEvent": ("开始事件", "Start event"),
    "endEvent": ("结束事件", "End event"),
    "intermediateCatchEvent": ("中间捕获事件", "Intermediate catch event"),
    "intermediateThrowEvent": ("中间抛出事件", "Intermediate throw event"),
    "boundaryEvent": ("边界事件", "Boundary event"),
    "exclusiveGateway": ("排他网关", "Exclusive gateway"),
    "parallelGateway": ("并行网关", "Parallel gateway"),
    "inclusiveGateway": ("包容网关", "Inclusive gateway"),
    "eventBasedGateway": ("事件网关", "Event-based gateway"),
    "complexGateway": ("复杂网关", "Complex gateway"),
    "sequenceFlow": ("顺序流", "Sequence flow"),
    "messageFlow": ("消息流", "Message flow"),
    "association": ("关联", "Association"),
    "dataInputAssociation": ("数据输入", "Data input association"),
    "dataOutputAssociation": ("数据输出", "Data output association"),
    "dataObjectReference": ("数据对象", "Data object"),
    "dataStoreReference": ("数据存储", "Data store"),
    "dataInput": ("输入数据", "Data input"),
    "dataOutput": ("输出数据", "Data output"),
    "textAnnotation": ("注释", "Text annotation"),
    "group": ("分组", "Group"),
}

_WORDS: dict[str, tuple[str, str]] = {
    "current": ("当前", "Now"),
    "failed": ("失败", "Failed"),
    "completed": ("已完成", "Done"),
    "no_layout": ("此流程没有图形布局（BPMN DI）。", "This process has no diagram layout (BPMN DI)."),
}


def is_english(lang: str) -> bool:
    return lang.lower().startswith("en")


def type_name(kind: str, lang: str) -> str:
    zh, en = _TYPES.get(kind, (kind, kind))
    return en if is_english(lang) else zh


def word(key: str, lang: str) -> str:
    zh, en = _WORDS[key]
    return en if is_english(lang) else zh

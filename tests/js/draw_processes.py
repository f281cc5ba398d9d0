"""One-off drawing aid: writes processes/*.bpmn and forms/*.form as Camunda Modeler 5.31 would.

The shipped files are the product; designers keep editing them in Camunda Modeler, after which
this script is only a record of how the first versions were laid out. Running it again
OVERWRITES processes/*.bpmn and forms/*.form:

    .venv/bin/python tests/js/draw_processes.py

Layout (left to right, four lanes top to bottom: 窗口受理 / 承办人 / 法制审核 / 负责人):
every lane has fixed rows; every element sits in its own column, so no two shapes overlap
and edges are orthogonal. The rows and the routes are chosen so that no edge crosses
another one (see ``_edges``).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

ROOT = Path(__file__).resolve().parents[2]
PROCESSES_DIR = ROOT / "processes"
FORMS_DIR = ROOT / "forms"

MODELER_VERSION = "5.31.0"
PLATFORM_VERSION = "7.21.0"

# ---------------------------------------------------------------------------------------------
# The service guides (服务指南) of the five items: process-level camunda:properties
# ---------------------------------------------------------------------------------------------

BODY = "济南市历下区行政审批服务局"
HOURS = "法定工作日 上午9:00—12:00，下午13:30—17:00（法定节假日除外）"
PHONE = "0531-12345（12345政务服务便民热线，可转本局窗口）"
SUPERVISION = (
    "济南市历下区行政审批服务局督查室；12345政务服务便民热线；"
    "山东政务服务网“好差评”；历下区司法局行政执法监督"
)
REMEDY = (
    "申请人对行政许可决定不服的，可以自知道该决定之日起60日内向济南市历下区人民政府申请行政复议，"
    "或者自知道该决定之日起6个月内依法向有管辖权的人民法院提起行政诉讼"
)
CATALOGUE_COMMON = (
    "已举行听证的；涉及重大公共利益或者众多当事人切身利益的；首次办理的新类型或者案情疑难复杂的"
)


@dataclass(frozen=True)
class Item:
    process_id: str
    name: str
    camel: str
    steps: tuple[str, ...]  # handler steps between 审查 and 拟办意见
    major_condition: str  # JUEL, reads the catalogue facts set by form handler-review
    review_days: str  # expected working days of the legal review (the engine warns on it)
    guide: dict[str, str] = field(default_factory=dict)


ITEMS: list[Item] = [
    Item(
        "food_business_licence",
        "食品经营许可",
        "FoodBusinessLicence",
        ("on-site",),
        "${hearingHeld || publicInterest || investment > 10000000 || firstOfKind}",
        "3",
        {
            "sanxiang.itemName": "食品经营许可",
            "sanxiang.itemCode": "370102-XK-001",
            "sanxiang.itemType": "行政许可",
            "sanxiang.body": BODY,
            "sanxiang.legalBasis": "《中华人民共和国食品安全法》第三十五条；《食品经营许可和备案管理办法》",
            "sanxiang.conditions": (
                "具有与经营的食品品种、数量相适应的食品原料处理和食品加工、销售、贮存等场所，"
                "保持场所环境整洁，并与有毒、有害场所以及其他污染源保持规定的距离；"
                "具有与经营的食品品种、数量相适应的经营设备或者设施；"
                "有专职或者兼职的食品安全管理人员和保证食品安全的规章制度；"
                "具有合理的设备布局和工艺流程，防止交叉污染；法律、法规规定的其他条件"
            ),
            "sanxiang.materials": (
                "食品经营许可申请书；营业执照或者其他主体资格证明文件；"
                "与食品经营相适应的主要设备设施、经营布局、操作流程等文件；"
                "食品安全管理人员、从业人员健康管理、进货查验记录、食品安全自查等保证食品安全的规章制度目录；"
                "法定代表人（负责人）身份证明；委托他人办理的，提交授权委托书及代理人身份证明"
            ),
            "sanxiang.statutoryDays": "10",
            "sanxiang.promisedDays": "5",
            "sanxiang.fees": "不收费",
            "sanxiang.office": "济南市历下区政务服务中心 市场准入和食品药品审批窗口",
            "sanxiang.onSite": (
                "需要对申请材料的实质内容进行核实的，由两名以上持行政执法证件的工作人员进行现场核查，全程录像"
            ),
            "sanxiang.majorCatalogue": (
                CATALOGUE_COMMON + "；项目投资额1000万元以上的（集体用餐配送、中央厨房等）"
            ),
        },
    ),
    Item(
        "public_place_hygiene",
        "公共场所卫生许可",
        "PublicPlaceHygiene",
        ("on-site",),
        "${hearingHeld || publicInterest || investment > 10000000 || firstOfKind}",
        "3",
        {
            "sanxiang.itemName": "公共场所卫生许可",
            "sanxiang.itemCode": "370102-XK-002",
            "sanxiang.itemType": "行政许可",
            "sanxiang.body": BODY,
            "sanxiang.legalBasis": (
                "《公共场所卫生管理条例》第八条；《公共场所卫生管理条例实施细则》第二十二条"
            ),
            "sanxiang.conditions": (
                "经营场所的选址、设计、卫生设施符合国家卫生标准和卫生规范；"
                "建立卫生管理制度，配备专职或者兼职卫生管理人员；"
                "从业人员取得有效健康合格证明；公共场所卫生检测或者评价合格"
            ),
            "sanxiang.materials": (
                "公共场所卫生许可申请表；营业执照或者其他主体资格证明文件；"
                "公共场所地址方位示意图、平面图和卫生设施平面布局图；"
                "公共场所卫生检测或者评价报告；公共场所卫生管理制度；"
                "从业人员健康合格证明；委托他人办理的，提交授权委托书及代理人身份证明"
            ),
            "sanxiang.statutoryDays": "20",
            "sanxiang.promisedDays": "5",
            "sanxiang.fees": "不收费",
            "sanxiang.office": "济南市历下区政务服务中心 社会事务审批窗口",
            "sanxiang.onSite": "对经营场所的卫生设施、布局进行现场审核，出示行政执法证件，全程录像",
            "sanxiang.majorCatalogue": CATALOGUE_COMMON + "；经营面积或者投资额较大（投资额1000万元以上）的",
        },
    ),
    Item(
        "construction_planning_permit",
        "建设工程规划许可证核发",
        "ConstructionPlanningPermit",
        ("hearing", "expert-review"),
        "${hearingHeld || publicInterest || investment > 50000000 || firstOfKind}",
        "5",
        {
            "sanxiang.itemName": "建设工程规划许可证核发",
            "sanxiang.itemCode": "370102-XK-003",
            "sanxiang.itemType": "行政许可",
            "sanxiang.body": BODY,
            "sanxiang.legalBasis": (
                "《中华人民共和国城乡规划法》第四十条；《中华人民共和国行政许可法》第四十六条至第四十八条"
            ),
            "sanxiang.conditions": (
                "建设项目已取得合法的土地使用权证明文件；建设工程设计方案符合控制性详细规划和规划条件；"
                "需要编制修建性详细规划的，修建性详细规划已经审定；符合国家和地方有关技术规范和标准"
            ),
            "sanxiang.materials": (
                "建设工程规划许可证申请表；使用土地的有关证明文件；"
                "建设工程设计方案（总平面图、建筑单体平立剖面图等）；"
                "需要建设单位编制修建性详细规划的，提交修建性详细规划；"
                "涉及相关部门意见的，提交相关部门意见；委托他人办理的，提交授权委托书及代理人身份证明"
            ),
            "sanxiang.statutoryDays": "20",
            "sanxiang.promisedDays": "10",
            "sanxiang.fees": "不收费",
            "sanxiang.office": "济南市历下区政务服务中心 投资建设审批窗口",
            "sanxiang.specialProcedures": (
                "听证、专家评审所需时间不计入办理时限"
                "（《中华人民共和国行政许可法》第四十五条），并书面告知申请人"
            ),
            "sanxiang.majorCatalogue": CATALOGUE_COMMON + "；项目总投资5000万元以上的",
        },
    ),
    Item(
        "private_school_establishment",
        "民办学校设立许可",
        "PrivateSchoolEstablishment",
        ("on-site", "expert-review"),
        "${hearingHeld || publicInterest || investment > 5000000 || firstOfKind}",
        "5",
        {
            "sanxiang.itemName": "民办学校设立许可",
            "sanxiang.itemCode": "370102-XK-004",
            "sanxiang.itemType": "行政许可",
            "sanxiang.body": BODY,
            "sanxiang.legalBasis": (
                "《中华人民共和国民办教育促进法》；《中华人民共和国民办教育促进法实施条例》"
            ),
            "sanxiang.conditions": (
                "举办者符合法定条件；有规范的名称、章程和决策机构；"
                "有合格的校长、教师和财会人员；有符合安全和办学标准的校舍、场地和教育教学设施设备；"
                "有必备的办学资金和稳定的经费来源；符合当地教育发展规划"
            ),
            "sanxiang.materials": (
                "正式设立申请报告；筹设批准书；筹设情况报告；"
                "学校章程、首届理事会（董事会）或者其他决策机构组成人员名单；"
                "学校资产的有效证明文件；校长、教师、财会人员的资格证明文件；"
                "校舍安全和消防安全证明材料；委托他人办理的，提交授权委托书及代理人身份证明"
            ),
            "sanxiang.statutoryDays": "60",
            "sanxiang.specialLaw": (
                "《中华人民共和国民办教育促进法》："
                "审批机关自受理正式设立申请之日起三个月内"
                "以书面形式作出是否准予的决定（本指南按60个工作日计）"
            ),
            "sanxiang.promisedDays": "20",
            "sanxiang.fees": "不收费",
            "sanxiang.office": "济南市历下区政务服务中心 社会事务审批窗口",
            "sanxiang.onSite": "对校舍、场地和教育教学设施进行实地考察，出示行政执法证件，全程录像",
            "sanxiang.specialProcedures": (
                "专家评审所需时间不计入办理时限（《中华人民共和国行政许可法》第四十五条），并书面告知申请人"
            ),
            "sanxiang.majorCatalogue": (
                CATALOGUE_COMMON + "；开办资金500万元以上的。民办学校设立涉及众多受教育者切身利益，"
                "承办人一般应当勾选“涉及重大公共利益”"
            ),
        },
    ),
    Item(
        "outdoor_advertising",
        "户外广告设施设置审批",
        "OutdoorAdvertising",
        (),
        "${hearingHeld || publicInterest || investment > 1000000 || firstOfKind}",
        "3",
        {
            "sanxiang.itemName": "户外广告设施设置审批",
            "sanxiang.itemCode": "370102-XK-005",
            "sanxiang.itemType": "行政许可",
            "sanxiang.body": BODY,
            "sanxiang.legalBasis": (
                "《城市市容和环境卫生管理条例》第十一条；《中华人民共和国广告法》第四十一条"
            ),
            "sanxiang.conditions": (
                "符合户外广告设置规划和安全要求；不影响市容市貌、交通安全和相邻权益；"
                "设施结构安全，有相应的安全责任人和维护管理措施"
            ),
            "sanxiang.materials": (
                "户外广告设施设置申请表；营业执照或者其他主体资格证明文件；"
                "设置场所的使用权证明或者产权人同意设置的证明；"
                "户外广告设施设计效果图、结构图及安全说明；委托他人办理的，提交授权委托书及代理人身份证明"
            ),
            "sanxiang.statutoryDays": "20",
            "sanxiang.promisedDays": "5",
            "sanxiang.fees": "不收费",
            "sanxiang.office": "济南市历下区政务服务中心 城市管理审批窗口",
            "sanxiang.majorCatalogue": CATALOGUE_COMMON + "；大型户外广告设施（投资额100万元以上）",
        },
    ),
]

COMMON_GUIDE = {
    "sanxiang.hours": HOURS,
    "sanxiang.phone": PHONE,
    "sanxiang.supervision": SUPERVISION,
    "sanxiang.remedy": REMEDY,
    "sanxiang.disclosureDays": "7",
    "sanxiang.maxReturns": "3",
}

GUIDE_ORDER = [
    "sanxiang.itemName",
    "sanxiang.itemCode",
    "sanxiang.itemType",
    "sanxiang.body",
    "sanxiang.legalBasis",
    "sanxiang.conditions",
    "sanxiang.materials",
    "sanxiang.statutoryDays",
    "sanxiang.specialLaw",
    "sanxiang.promisedDays",
    "sanxiang.specialProcedures",
    "sanxiang.onSite",
    "sanxiang.fees",
    "sanxiang.office",
    "sanxiang.hours",
    "sanxiang.phone",
    "sanxiang.supervision",
    "sanxiang.remedy",
    "sanxiang.disclosureDays",
    "sanxiang.majorCatalogue",
    "sanxiang.maxReturns",
]

# ---------------------------------------------------------------------------------------------
# Building blocks: one entry per flow node kind
# ---------------------------------------------------------------------------------------------

TASK_W, TASK_H = 100, 80
GW = 50
EV = 36


@dataclass
class Node:
    id: str
    kind: str  # startEvent, endEvent, userTask, serviceTask, exclusiveGateway
    name: str
    lane: str  # window, handler, legal, approver
    row: str  # up, main
    role: str | None = None
    group: str | None = None
    form: str | None = None
    props: dict[str, str] = field(default_factory=dict)
    attrs: dict[str, str] = field(default_factory=dict)
    doc: str | None = None
    default: str | None = None
    cx: float = 0.0
    cy: float = 0.0

    @property
    def w(self) -> int:
        return {"startEvent": EV, "endEvent": EV, "exclusiveGateway": GW}.get(self.kind, TASK_W)

    @property
    def h(self) -> int:
        return {"startEvent": EV, "endEvent": EV, "exclusiveGateway": GW}.get(self.kind, TASK_H)

    @property
    def left(self) -> float:
        return self.cx - self.w / 2

    @property
    def right(self) -> float:
        return self.cx + self.w / 2

    @property
    def top(self) -> float:
        return self.cy - self.h / 2

    @property
    def bottom(self) -> float:
        return self.cy + self.h / 2


@dataclass
class Flow:
    id: str
    source: str
    target: str
    name: str | None = None
    condition: str | None = None
    props: dict[str, str] = field(default_factory=dict)
    waypoints: list[tuple[float, float]] = field(default_factory=list)
    label_side: str = "auto"


STEP_NODES = {
    "on-site": dict(
        id="Task_OnSite",
        name="现场核查",
        role="on-site",
        form="on-site-inspection",
        props={
            "sanxiang.requiresMedia": "video",
            "sanxiang.requiresCertificate": "true",
            "sanxiang.expected": "2",
        },
        doc="两名以上持有效行政执法证件的工作人员现场核查，主动出示证件，全程录像",
    ),
    "hearing": dict(
        id="Task_Hearing",
        name="听证",
        role="hearing",
        form="hearing",
        props={"sanxiang.requiresMedia": "audio-video", "sanxiang.expected": "20"},
        doc="告知听证权利；申请人、利害关系人5日内申请的，20日内组织听证；听证期间不计入办理时限",
    ),
    "expert-review": dict(
        id="Task_ExpertReview",
        name="专家评审",
        role="expert-review",
        form="expert-review",
        props={"sanxiang.expected": "10"},
        doc="组织专家评审；评审所需时间不计入办理时限，书面告知申请人",
    ),
}

LANES = [
    ("window", "Lane_Window", "窗口受理"),
    ("handler", "Lane_Handler", "承办人"),
    ("legal", "Lane_LegalReview", "法制审核"),
    ("approver", "Lane_Approver", "负责人"),
]

# lane: (top, height, {row: centre y})
LANE_GEOMETRY = {
    "window": (80, 260, {"up": 150, "main": 270}),
    "handler": (340, 280, {"top": 360, "up": 420, "main": 540}),
    "legal": (620, 180, {"main": 710}),
    "approver": (800, 300, {"up": 870, "main": 990, "low": 1070}),
}
PARTICIPANT_X = 160
LANE_X = 190
GAP = 60


def _nodes(item: Item) -> list[Node]:
    n: list[Node] = [
        Node("StartEvent_Applied", "startEvent", "收到申请", "window", "main"),
        Node(
            "Task_Acceptance",
            "userTask",
            "受理审查",
            "window",
            "main",
            role="acceptance",
            group="window-clerk",
            form="acceptance",
            props={"sanxiang.expected": "1"},
            doc="审查申请材料是否齐全、是否符合法定形式；材料不全的，当场或者5日内一次性告知需要补正的全部内容",
        ),
        Node(
            "Gateway_MaterialsComplete",
            "exclusiveGateway",
            "材料是否齐全？",
            "window",
            "main",
            default="Flow_MaterialsComplete",
        ),
        Node(
            "Task_Supplement",
            "userTask",
            "补正材料登记",
            "window",
            "up",
            role="supplement",
            group="window-clerk",
            form="supplement",
            doc="一次性告知补正内容；补正期间不计入办理时限，申请人补正后重新受理审查",
        ),
        Node(
            "Task_Review",
            "userTask",
            "审查",
            "handler",
            "main",
            group="handler",
            form="material-review",
            props={"sanxiang.expected": "1"},
        ),
    ]
    for step in item.steps:
        spec = dict(STEP_NODES[step])
        n.append(
            Node(spec.pop("id"), "userTask", spec.pop("name"), "handler", "main", group="handler", **spec)
        )
    n += [
        Node(
            "Task_Proposal",
            "userTask",
            "拟办意见",
            "handler",
            "main",
            group="handler",
            form="handler-review",
            props={"sanxiang.expected": "1"},
            doc="认定事实、提出拟办意见，并按《重大执法决定法制审核目录清单》填写目录事实",
        ),
        Node(
            "Gateway_MajorCheck",
            "exclusiveGateway",
            "是否重大执法决定？",
            "handler",
            "main",
            role="major-check",
            default="Flow_NotMajor",
        ),
        Node(
            "Task_LegalReview",
            "userTask",
            "法制审核",
            "legal",
            "main",
            role="legal-review",
            group="legal-reviewer",
            form="legal-review",
            props={"sanxiang.expected": item.review_days},
            doc="法制审核人员逐项审核十项内容；审核时限由系统按工作日计算并预警，不在图中设置计时器",
        ),
        Node(
            "Gateway_ReviewOutcome",
            "exclusiveGateway",
            "审核结论",
            "legal",
            "main",
            role="review-outcome",
            default="Flow_ReviewReturn",
        ),
        Node(
            "Task_Contest",
            "userTask",
            "承办人意见",
            "handler",
            "main",
            group="handler",
            form="contest",
            doc="审核不通过时，承办人决定是否提出异议、提请集体讨论",
        ),
        Node(
            "Gateway_Contest",
            "exclusiveGateway",
            "承办人是否异议？",
            "handler",
            "main",
            default="Flow_NoContest",
        ),
        Node(
            "Task_ProposalRevision",
            "userTask",
            "补充完善拟办意见",
            "handler",
            "up",
            group="handler",
            form="proposal-revision",
            doc="法制审核退回补充，或者审核不通过且承办人无异议的，承办人补充材料、修改拟办意见后重新提交法制审核；"
            "不再经过重大判断，重大案件始终须经审核通过（或者集体讨论）后方可作出决定",
        ),
        Node(
            "Task_Coordination",
            "userTask",
            "集体讨论",
            "approver",
            "up",
            role="coordination",
            group="approver",
            form="coordination",
            doc="法制审核意见与拟办意见不一致的，提请局务会议集体讨论决定，形成会议纪要",
        ),
        Node(
            "Task_Decision",
            "userTask",
            "审批决定",
            "approver",
            "main",
            role="decision",
            group="approver",
            form="decision",
            props={"sanxiang.expected": "1"},
            doc="重大执法决定未经法制审核或者审核未通过的，不得作出决定（集体讨论决定的除外）",
        ),
        Node(
            "Gateway_Decision", "exclusiveGateway", "是否准予许可？", "approver", "main", default="Flow_Deny"
        ),
        Node(
            "Task_DeliverLicence",
            "userTask",
            "制证送达",
            "window",
            "main",
            role="delivery",
            group="window-clerk",
            form="delivery",
            props={"sanxiang.requiresMedia": "audio-video", "sanxiang.expected": "1"},
            doc="作出准予许可决定之日起10日内颁发、送达许可证件",
        ),
        Node(
            "Task_DeliverDenial",
            "userTask",
            "送达不予许可决定书",
            "window",
            "up",
            role="delivery",
            group="window-clerk",
            form="delivery",
            props={"sanxiang.requiresMedia": "audio-video", "sanxiang.expected": "1"},
            doc="书面说明理由，告知申请复议或者提起诉讼的权利",
        ),
        Node(
            "Task_Disclosure",
            "serviceTask",
            "决定公示",
            "window",
            "main",
            role="disclosure",
            attrs={"camunda:type": "external", "camunda:topic": "disclosure.schedule"},
            doc="自决定作出之日起7个工作日内公示（个人信息脱敏）",
        ),
        Node(
            "Task_Archive",
            "userTask",
            "归档",
            "handler",
            "main",
            role="records-capture",
            group="handler",
            form="archive",
            props={"sanxiang.expected": "1"},
            doc="核对全过程记录（文字、音像），电子案卷归档",
        ),
        Node("EndEvent_Closed", "endEvent", "办结", "handler", "main"),
    ]
    return n


def _flows(item: Item) -> list[Flow]:
    chain = ["Task_Review", *[STEP_NODES[s]["id"] for s in item.steps], "Task_Proposal"]
    f = [
        Flow("Flow_Applied", "StartEvent_Applied", "Task_Acceptance"),
        Flow("Flow_AcceptanceChecked", "Task_Acceptance", "Gateway_MaterialsComplete"),
        Flow(
            "Flow_MaterialsIncomplete",
            "Gateway_MaterialsComplete",
            "Task_Supplement",
            "材料不全",
            "${!materialsComplete}",
        ),
        Flow("Flow_Supplemented", "Task_Supplement", "Task_Acceptance"),
        Flow("Flow_MaterialsComplete", "Gateway_MaterialsComplete", "Task_Review", "材料齐全，受理"),
    ]
    for a, b in zip(chain, chain[1:], strict=False):
        f.append(Flow(f"Flow_{a.removeprefix('Task_')}Done", a, b))
    f += [
        Flow("Flow_Proposed", "Task_Proposal", "Gateway_MajorCheck"),
        Flow(
            "Flow_Major",
            "Gateway_MajorCheck",
            "Task_LegalReview",
            "重大",
            item.major_condition,
            {"sanxiang.major": "true"},
        ),
        Flow(
            "Flow_NotMajor",
            "Gateway_MajorCheck",
            "Task_Decision",
            "非重大",
            None,
            {"sanxiang.major": "false"},
        ),
        Flow("Flow_Reviewed", "Task_LegalReview", "Gateway_ReviewOutcome"),
        Flow(
            "Flow_ReviewPass",
            "Gateway_ReviewOutcome",
            "Task_Decision",
            "通过",
            "${reviewConclusion == 'pass'}",
            {"sanxiang.outcome": "pass"},
        ),
        Flow(
            "Flow_ReviewReturn",
            "Gateway_ReviewOutcome",
            "Task_ProposalRevision",
            "退回补充",
            None,
            {"sanxiang.outcome": "return"},
        ),
        Flow(
            "Flow_ReviewReject",
            "Gateway_ReviewOutcome",
            "Task_Contest",
            "不通过",
            "${reviewConclusion == 'reject'}",
            {"sanxiang.outcome": "reject"},
        ),
        Flow("Flow_ContestAnswered", "Task_Contest", "Gateway_Contest"),
        Flow("Flow_Contest", "Gateway_Contest", "Task_Coordination", "提出异议", "${contest}"),
        Flow("Flow_NoContest", "Gateway_Contest", "Task_ProposalRevision", "无异议"),
        Flow("Flow_Revised", "Task_ProposalRevision", "Task_LegalReview"),
        Flow("Flow_Coordinated", "Task_Coordination", "Task_Decision"),
        Flow("Flow_Decided", "Task_Decision", "Gateway_Decision"),
        Flow("Flow_Grant", "Gateway_Decision", "Task_DeliverLicence", "准予许可", "${decision == 'grant'}"),
        Flow("Flow_Deny", "Gateway_Decision", "Task_DeliverDenial", "不予许可"),
        Flow("Flow_LicenceDelivered", "Task_DeliverLicence", "Task_Disclosure"),
        Flow("Flow_DenialDelivered", "Task_DeliverDenial", "Task_Disclosure"),
        Flow("Flow_Disclosed", "Task_Disclosure", "Task_Archive"),
        Flow("Flow_Archived", "Task_Archive", "EndEvent_Closed"),
    ]
    return f


# ---------------------------------------------------------------------------------------------
# Layout
# ---------------------------------------------------------------------------------------------

# Columns: one per node, in this order (supplement shares the acceptance column, one row up;
# the denial delivery shares the licence delivery column, one row up; the proposal revision sits
# in the handler lane above the legal review).
SHARED_COLUMN = {
    "Task_Supplement": "Task_Acceptance",
    "Task_DeliverDenial": "Task_DeliverLicence",
    "Task_ProposalRevision": "Task_LegalReview",
}


def _place(nodes: list[Node]) -> None:
    x = LANE_X + 30 + 12  # first shape's left edge
    by_id = {n.id: n for n in nodes}
    for node in nodes:
        if node.id in SHARED_COLUMN:
            continue
        node.cx = x + node.w / 2
        x += node.w + GAP
    for node_id, other in SHARED_COLUMN.items():
        by_id[node_id].cx = by_id[other].cx
    for node in nodes:
        node.cy = LANE_GEOMETRY[node.lane][2][node.row]


Point = tuple[float, float]
ROW = {lane: geo[2] for lane, geo in LANE_GEOMETRY.items()}

# Hand-routed flows (source s, target t); every other flow goes right, then up or down.
ROUTES: dict[str, Callable[[Node, Node], list[Point]]] = {
    # up, then left into the supplement task; then straight down back into acceptance
    "Flow_MaterialsIncomplete": lambda s, t: [(s.cx, s.top), (s.cx, t.cy), (t.right, t.cy)],
    "Flow_Supplemented": lambda s, t: [(t.cx, s.bottom), (t.cx, t.top)],
    # non-major: down to the approver lane's low row, into the decision from below
    "Flow_NotMajor": lambda s, t: [
        (s.cx, s.bottom),
        (s.cx, ROW["approver"]["low"]),
        (t.cx, ROW["approver"]["low"]),
        (t.cx, t.bottom),
    ],
    "Flow_ReviewPass": lambda s, t: [(s.cx, s.bottom), (s.cx, t.cy), (t.left, t.cy)],
    # the legal review is entered from above twice: major (left dock) and revised (right dock)
    "Flow_Major": lambda s, t: [(s.right, s.cy), (t.cx - 20, s.cy), (t.cx - 20, t.top)],
    "Flow_Revised": lambda s, t: [(s.cx + 20, s.bottom), (t.cx + 20, t.top)],
    "Flow_ReviewReturn": lambda s, t: [(s.cx, s.top), (s.cx, t.cy), (t.right, t.cy)],
    "Flow_ReviewReject": lambda s, t: [(s.right, s.cy), (t.cx, s.cy), (t.cx, t.bottom)],
    "Flow_Contest": lambda s, t: [(s.cx, s.bottom), (s.cx, t.cy), (t.left, t.cy)],
    # no contest: up over the handler lane, left, down into the revision
    "Flow_NoContest": lambda s, t: [
        (s.cx, s.top),
        (s.cx, ROW["handler"]["top"]),
        (t.cx, ROW["handler"]["top"]),
        (t.cx, t.top),
    ],
    "Flow_Deny": lambda s, t: [(s.cx, s.top), (s.cx, t.cy), (t.left, t.cy)],
}


def _default_route(s: Node, t: Node) -> list[Point]:
    if s.cy == t.cy:  # same row: straight
        return [(s.right, s.cy), (t.left, t.cy)]
    dock = t.top if t.cy > s.cy else t.bottom  # right, then down (up) into the target
    return [(s.right, s.cy), (t.cx, s.cy), (t.cx, dock)]


def _edges(nodes: dict[str, Node], flows: list[Flow]) -> None:
    for f in flows:
        route = ROUTES.get(f.id, _default_route)
        f.waypoints = route(nodes[f.source], nodes[f.target])


def _text_size(text: str, max_w: int = 90) -> tuple[int, int]:
    width = sum(12 if ord(ch) > 0x2E80 else 7 for ch in text)
    lines = max(1, -(-width // max_w))
    return (min(width, max_w), 14 * lines)


def _flow_label(f: Flow) -> tuple[float, float, int, int]:
    w, h = _text_size(f.name or "", 80)
    (x0, y0), (_, y1) = f.waypoints[0], f.waypoints[1]
    if y0 == y1:  # horizontal first segment: above the line
        return (x0 + 8, y0 - h - 4, w, h)
    if y1 < y0:  # going up: right of the line
        return (x0 + 6, y0 - h - 14, w, h)
    return (x0 + 6, y0 + 12, w, h)  # going down: right of the line


def _node_label(n: Node) -> tuple[float, float, int, int] | None:
    if n.kind in ("userTask", "serviceTask"):
        return None
    w, h = _text_size(n.name, 90 if n.kind == "exclusiveGateway" else 60)
    if n.kind != "exclusiveGateway":
        return (n.cx - w / 2, n.bottom + 7, w, h)
    side = {"Gateway_MajorCheck": "above", "Gateway_Contest": "right", "Gateway_ReviewOutcome": "below-left"}
    where = side.get(n.id, "below")
    if where == "right":
        return (n.right + 8, n.cy - h / 2, w, h)
    if where == "above":
        return (n.cx - w / 2, n.top - h - 8, w, h)
    if where == "below-left":
        return (n.cx - w - 10, n.bottom + 20, w, h)
    return (n.cx - w / 2, n.bottom + 7, w, h)


# ---------------------------------------------------------------------------------------------
# XML
# ---------------------------------------------------------------------------------------------


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:.1f}"


def _properties(props: dict[str, str], indent: str) -> list[str]:
    out = [f"{indent}<camunda:properties>"]
    for k, v in props.items():
        out.append(f"{indent}  <camunda:property name={quoteattr(k)} value={quoteattr(v)} />")
    out.append(f"{indent}</camunda:properties>")
    return out


# Elements drawn from the bureau's building blocks carry the template reference the Modeler writes
# when a template is applied (processes/.camunda/element-templates/sanxiang.json).
TEMPLATED_ROLES = {
    "acceptance",
    "on-site",
    "hearing",
    "expert-review",
    "legal-review",
    "coordination",
    "decision",
    "delivery",
    "records-capture",
    "disclosure",
    "major-check",
    "review-outcome",
}
TEMPLATED_FLOWS = {
    "Flow_Major": "major",
    "Flow_NotMajor": "not-major",
    "Flow_ReviewPass": "review-pass",
    "Flow_ReviewReturn": "review-return",
    "Flow_ReviewReject": "review-reject",
}


def _template_attrs(template_id: str | None) -> list[str]:
    if not template_id:
        return []
    return [f'camunda:modelerTemplate="{template_id}"', 'camunda:modelerTemplateVersion="1"']


def _node_xml(n: Node, incoming: list[str], outgoing: list[str]) -> list[str]:
    attrs = [f"id={quoteattr(n.id)}", f"name={quoteattr(n.name)}"]
    attrs += _template_attrs(f"sanxiang.{n.role}" if n.role in TEMPLATED_ROLES else None)
    if n.kind == "userTask":
        attrs += [
            f'camunda:formRef="{n.form}"',
            'camunda:formRefBinding="latest"',
            f'camunda:candidateGroups="{n.group}"',
        ]
    for k, v in n.attrs.items():
        attrs.append(f"{k}={quoteattr(v)}")
    if n.default:
        attrs.append(f'default="{n.default}"')
    out = [f"    <bpmn:{n.kind} {' '.join(attrs)}>"]
    if n.doc:
        out.append(f"      <bpmn:documentation>{escape(n.doc)}</bpmn:documentation>")
    props = ({"sanxiang.role": n.role} if n.role else {}) | n.props
    if props:
        out.append("      <bpmn:extensionElements>")
        out += _properties(props, "        ")
        out.append("      </bpmn:extensionElements>")
    out += [f"      <bpmn:incoming>{i}</bpmn:incoming>" for i in incoming]
    out += [f"      <bpmn:outgoing>{o}</bpmn:outgoing>" for o in outgoing]
    out.append(f"    </bpmn:{n.kind}>")
    return out


def _flow_xml(f: Flow) -> list[str]:
    attrs = f'id="{f.id}"' + (f" name={quoteattr(f.name)}" if f.name else "")
    template = TEMPLATED_FLOWS.get(f.id)
    if template:
        attrs += " " + " ".join(_template_attrs(f"sanxiang.flow.{template}"))
    head = f'    <bpmn:sequenceFlow {attrs} sourceRef="{f.source}" targetRef="{f.target}"'
    if not f.props and not f.condition:
        return [head + " />"]
    out = [head + ">"]
    if f.props:
        out.append("      <bpmn:extensionElements>")
        out += _properties(f.props, "        ")
        out.append("      </bpmn:extensionElements>")
    if f.condition:
        out.append(
            f'      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{escape(f.condition)}'
            "</bpmn:conditionExpression>"
        )
    out.append("    </bpmn:sequenceFlow>")
    return out


def _bounds(x: float, y: float, w: float, h: float) -> str:
    return f'<dc:Bounds x="{_fmt(x)}" y="{_fmt(y)}" width="{_fmt(w)}" height="{_fmt(h)}" />'


def render(item: Item) -> str:
    nodes = _nodes(item)
    flows = _flows(item)
    _place(nodes)
    by_id = {n.id: n for n in nodes}
    _edges(by_id, flows)
    width = max(n.right for n in nodes) + 60 - PARTICIPANT_X
    top = LANE_GEOMETRY["window"][0]
    bottom = LANE_GEOMETRY["approver"][0] + LANE_GEOMETRY["approver"][1]

    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" '
        'xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" '
        'xmlns:di="http://www.omg.org/spec/DD/20100524/DI" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" '
        'xmlns:modeler="http://camunda.org/schema/modeler/1.0" '
        f'id="Definitions_{item.camel}" targetNamespace="http://bpmn.io/schema/bpmn" '
        f'exporter="Camunda Modeler" exporterVersion="{MODELER_VERSION}" '
        'modeler:executionPlatform="Camunda Platform" '
        f'modeler:executionPlatformVersion="{PLATFORM_VERSION}">',
        f'  <bpmn:collaboration id="Collaboration_{item.camel}">',
        f'    <bpmn:participant id="Participant_{item.camel}" name={quoteattr(BODY + " · " + item.name)} '
        f'processRef="{item.process_id}" />',
        "  </bpmn:collaboration>",
        f'  <bpmn:process id="{item.process_id}" name={quoteattr(item.name)} isExecutable="true" '
        'camunda:historyTimeToLive="P3650D">',
        f"    <bpmn:documentation>{escape(item.name)}（{BODY}）。流程图即服务指南中的办理流程图；"
        "服务指南各项内容见流程属性 sanxiang.*。</bpmn:documentation>",
        "    <bpmn:extensionElements>",
    ]
    guide = item.guide | COMMON_GUIDE
    out += _properties({k: guide[k] for k in GUIDE_ORDER if k in guide}, "      ")
    out.append("    </bpmn:extensionElements>")
    out.append(f'    <bpmn:laneSet id="LaneSet_{item.camel}">')
    for lane, lane_id, lane_name in LANES:
        out.append(f'      <bpmn:lane id="{lane_id}" name="{lane_name}">')
        out += [f"        <bpmn:flowNodeRef>{n.id}</bpmn:flowNodeRef>" for n in nodes if n.lane == lane]
        out.append("      </bpmn:lane>")
    out.append("    </bpmn:laneSet>")
    for n in nodes:
        incoming = [f.id for f in flows if f.target == n.id]
        outgoing = [f.id for f in flows if f.source == n.id]
        out += _node_xml(n, incoming, outgoing)
        for f in flows:
            if f.source == n.id:
                out += _flow_xml(f)
    out.append("  </bpmn:process>")

    out += [
        f'  <bpmndi:BPMNDiagram id="BPMNDiagram_{item.camel}">',
        f'    <bpmndi:BPMNPlane id="BPMNPlane_{item.camel}" bpmnElement="Collaboration_{item.camel}">',
        f'      <bpmndi:BPMNShape id="Participant_{item.camel}_di" bpmnElement="Participant_{item.camel}" '
        'isHorizontal="true">',
        f"        {_bounds(PARTICIPANT_X, top, width, bottom - top)}",
        "      </bpmndi:BPMNShape>",
    ]
    for lane, lane_id, _ in LANES:
        lane_top, lane_h, _rows = LANE_GEOMETRY[lane]
        out += [
            f'      <bpmndi:BPMNShape id="{lane_id}_di" bpmnElement="{lane_id}" isHorizontal="true">',
            f"        {_bounds(LANE_X, lane_top, width - (LANE_X - PARTICIPANT_X), lane_h)}",
            "      </bpmndi:BPMNShape>",
        ]
    for n in nodes:
        marker = ' isMarkerVisible="true"' if n.kind == "exclusiveGateway" else ""
        out.append(f'      <bpmndi:BPMNShape id="{n.id}_di" bpmnElement="{n.id}"{marker}>')
        out.append(f"        {_bounds(n.left, n.top, n.w, n.h)}")
        label = _node_label(n)
        if label:
            out += [
                "        <bpmndi:BPMNLabel>",
                f"          {_bounds(*label)}",
                "        </bpmndi:BPMNLabel>",
            ]
        out.append("      </bpmndi:BPMNShape>")
    for f in flows:
        out.append(f'      <bpmndi:BPMNEdge id="{f.id}_di" bpmnElement="{f.id}">')
        out += [f'        <di:waypoint x="{_fmt(x)}" y="{_fmt(y)}" />' for x, y in f.waypoints]
        if f.name:
            out += [
                "        <bpmndi:BPMNLabel>",
                f"          {_bounds(*_flow_label(f))}",
                "        </bpmndi:BPMNLabel>",
            ]
        out.append("      </bpmndi:BPMNEdge>")
    out += ["    </bpmndi:BPMNPlane>", "  </bpmndi:BPMNDiagram>", "</bpmn:definitions>", ""]
    return "\n".join(out)


def main() -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from draw_forms import write_forms  # noqa: PLC0415  (sibling script)

    PROCESSES_DIR.mkdir(exist_ok=True)
    for item in ITEMS:
        (PROCESSES_DIR / f"{item.process_id}.bpmn").write_text(render(item), encoding="utf-8")
    write_forms(FORMS_DIR)
    print(f"wrote {len(ITEMS)} processes to {PROCESSES_DIR} and forms to {FORMS_DIR}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

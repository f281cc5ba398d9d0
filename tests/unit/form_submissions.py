"""Realistic submissions for every shipped form and every corpus form, each with one change that breaks
it and the field error that change must produce (used by ``test_form_schema`` and the API tests)."""

from __future__ import annotations

from typing import Any

AT = "2026-12-01T09:30+08:00"
ADDRESS = "北京市朝阳区建国路 1 号"

Case = tuple[dict[str, Any], dict[str, Any], tuple[str, str]]

SHIPPED: dict[str, Case] = {
    # form id: (a realistic valid submission, a change that breaks it, the field error expected)
    "acceptance": (
        {
            "applicantName": "某某餐饮管理有限公司",
            "applicantType": "organisation",
            "applicantId": "91110105MA01ABCD3X",
            "applicantPhone": "010-65001234",
            "agentName": "李四",
            "applicantAddress": ADDRESS,
            "materialsComplete": True,
            "accepted": True,
            "acceptanceNote": "",
        },
        {"applicantPhone": "12345"},
        ("applicantPhone", "pattern-mismatch"),
    ),
    "archive": (
        {"recordsComplete": True, "archiveNo": "档 2026-0001", "archiveNote": "电子案卷已归档"},
        {"recordsComplete": False},
        ("recordsComplete", "required-box"),
    ),
    "contest": (
        {"contest": True, "contestReason": "拟办意见依据充分，提请集体讨论。"},
        {"contestReason": 5},
        ("contestReason", "not-a-string"),
    ),
    "coordination": (
        {
            "meetingAt": AT,
            "attendees": "局长、副局长、法制科长",
            "minutes": "会议认为申请符合法定条件，决定准予许可。",
            "coordinationDecision": "grant",
        },
        {"meetingAt": "2026-12-01 09:30"},
        ("meetingAt", "invalid-datetime"),
    ),
    "decision": (
        {
            "decision": "grant",
            "decisionNo": "朝卫许〔2026〕18号",
            "decisionText": "经审查，准予许可。",
            "licenceNo": "JY11105000012345",
            "licenceValidUntil": "2031-11-30",
        },
        {"decision": "maybe"},
        ("decision", "not-an-option"),
    ),
    "delivery": (
        {
            "deliveryMethod": "direct",
            "deliveredAt": AT,
            "recipient": "张三",
            "deliveryProofNo": "SD-001",
            "mediaRecorded": True,
        },
        {"deliveryMethod": "pigeon"},
        ("deliveryMethod", "not-an-option"),
    ),
    "delivery-receipt": (
        {"receiptKind": "postal-receipt", "receiptFiled": True, "receiptNote": "邮件回执已入卷"},
        {"receiptKind": "pigeon"},
        ("receiptKind", "not-an-option"),
    ),
    "expert-review": (
        {
            "applicantNotified": True,
            "reviewedAt": AT,
            "expertPanel": "王工、李工、赵工",
            "expertConclusion": "agree",
            "expertOpinion": "方案可行，同意。",
        },
        {"expertOpinion": "好"},
        ("expertOpinion", "too-short"),
    ),
    "handler-review": (
        {
            "facts": "申请人已取得营业执照，场所符合要求。",
            "evidence": "现场核查笔录、照片",
            "legalProvisions": "《中华人民共和国行政许可法》第三十八条",
            "opinion": "拟准予许可。理由充分。",
            "hearingHeld": False,
            "publicInterest": False,
            "investment": 5000000,
            "firstOfKind": False,
            "proposal": "grant",
            "proposalReason": "符合法定条件和标准。",
        },
        {"investment": -1},
        ("investment", "too-small"),
    ),
    "hearing": (
        {
            "hearingNotifiedAt": AT,
            "hearingHeld": True,
            "hearingAt": "2026-12-10T09:00+08:00",
            "hearingHost": "刘主持",
            "hearingParticipants": "申请人、利害关系人",
            "hearingRecord": "听证笔录已签字确认。",
            "audioVideoRecorded": True,
        },
        {"hearingRecord": ""},
        ("hearingRecord", "required"),
    ),
    "legal-review": (
        {
            **{f"check{i}": "pass" for i in range(1, 11)},
            **{f"note{i}": "" for i in range(1, 11)},
            "reviewConclusion": "pass",
            "reviewOpinion": "同意拟办意见，程序合法。",
        },
        {"check3": "skip"},
        ("check3", "not-an-option"),
    ),
    "material-review": (
        {"materialsAuthentic": True, "conditionsMet": "met", "reviewFindings": "材料真实，符合条件。"},
        {"reviewFindings": "长" * 5001},
        ("reviewFindings", "too-long"),
    ),
    "on-site-inspection": (
        {
            "inspectedAt": AT,
            "siteAddress": ADDRESS,
            "inspectors": "赵承办、孙执法",
            "certificateNumbers": "11010012345、11010012346",
            "certificateShown": True,
            "presentParty": "法定代表人",
            "findings": "现场与申请材料一致。",
            "inspectionResult": "conform",
            "videoRecorded": True,
        },
        {"videoRecorded": "yes"},
        ("videoRecorded", "not-a-boolean"),
    ),
    "proposal-revision": (
        {
            "responseToReview": "已按审核意见补充证据。",
            "facts": "补充了消防验收意见。",
            "proposal": "deny",
            "proposalReason": "消防验收不合格。",
        },
        {"opinion": "多余"},
        ("opinion", "unknown-field"),
    ),
    "supplement": (
        {
            "supplementNotifiedAt": AT,
            "suppliedAt": "2026-12-04T15:00+08:00",
            "suppliedMaterials": "营业执照副本",
            "supplementNote": "",
        },
        {"suppliedAt": "2026-13-01T09:00+08:00"},
        ("suppliedAt", "invalid-datetime"),
    ),
}

LOAN = {"amount": 25000, "tenure": 36}

CORPUS: dict[str, tuple[dict[str, Any], dict[str, Any], tuple[str, str], dict[str, Any]]] = {
    # file: (valid submission, breaking change, expected field error, the case's current variables)
    "CamundaFormDefinitionDeploymentTest.complex_form.form": (
        {"textfield1": "a", "textfield4": "b"},
        {"button1": "clicked"},
        ("button1", "unknown-field"),
        {},
    ),
    "ai-agent-chat-user-feedback.form": (
        {"userSatisfied": False, "followUpInput": "请补充材料清单", "followUpDocuments": "files::7f3a"},
        {"userSatisfied": "no"},
        ("userSatisfied", "not-a-boolean"),
        {},
    ),
    "form-js_e2e_complex.json": (
        {
            "textfield": "value",
            "number_field": 1,
            "radio": "option_1",
            "select": "option_1",
            "searchable_select": "option_2",
            "textarea": "text",
            "date_field": "2026-12-01",
            "checkbox": True,
            "checklist": ["option_1"],
            "taglist": ["option_2"],
            "time_field": "09:15+08:00",
            "datetime_field": AT,
            "readonly-textfield": "value",
            "disabled_textfield": "value",
            "groupExample": {"groupTextField": "x", "groupNumberField": 2, "nestedGroup": {}},
        },
        {"number_field": "1"},
        ("number_field", "not-a-number"),
        {},
    ),
    "form-js_viewer_condition.json": (
        {"amount": 5, "text": "shown"},
        {"amount": 1001},
        ("amount", "too-large"),
        {},
    ),
    "form-js_viewer_dynamic-list-variables.json": (
        {"list": [{"key": 1}, {"key": 2.5}]},
        {"list": [{"key": "one"}]},
        ("list[0].key", "not-a-number"),
        {},
    ),
    "form-js_viewer_form.json": (
        {
            "creditor": "Sanxiang Ltd",
            "invoiceNumber": "C-123",
            "amount": 456,
            "approved": True,
            "approvedBy": "sun",
            "approverComments": "ok",
            "product": "camunda-cloud",
            "mailto": ["approver", "manager"],
            "language": "english",
            "conversation": "2026-12-01T01:30Z",
            "tags": ["tag1", "tag5"],
            "invoiceDetails": {"supplementaryInfo1": "a", "supplementaryInfo2": "b"},
            "clients": [{"clientSurname": "Wang", "clientName": "Fang"}],
        },
        {"invoiceNumber": "X-1"},
        ("invoiceNumber", "pattern-mismatch"),
        {},
    ),
    "loan-application-form.form": (
        {
            "address": {"first_name": "Laya", "city": "Raleigh"},
            "contact": {"email": "laya@example.com", "phone": "+19195550100"},
            "pi": {"date_of_birth": "1990-05-17", "annual_salary": 55200, "current_employer": "Styles LLC"},
            "loan": LOAN,
        },
        {"loan": {**LOAN, "tenure": 60}},
        ("loan.tenure", "too-large"),
        {},
    ),
    "loan-underwriting-form.form": (
        {"loan": LOAN, "custom_interest_rate": 18.5, "approve_loan": True},
        {"custom_interest_rate": 17},
        ("custom_interest_rate", "too-small"),
        {"loan": LOAN, "creditScore": 700},
    ),
    "task.form": ({"variable": "x"}, {"variable": 1}, ("variable", "not-a-string"), {}),
}

"""A field's errors: the message of every check in Chinese and English, and the error a check returns."""

from __future__ import annotations

from dataclasses import dataclass

from engine.kernel.json_types import JsonValue

MESSAGES: dict[str, tuple[str, str]] = {
    "required": ("此项为必填项", "This field is required"),
    "required-box": ("必须勾选此项", "This box must be ticked"),
    "unknown-field": ("表单中没有此项", "The form has no such field"),
    "readonly-field": ("此项为只读，不能修改", "This field is read-only and cannot be changed"),
    "not-an-object": ("应为一组字段（JSON 对象）", "Must be a group of fields (a JSON object)"),
    "not-a-list": ("应为列表", "Must be a list"),
    "too-many-items": ("最多 {limit} 项", "At most {limit} items"),
    "not-a-string": ("应为文本", "Must be text"),
    "too-short": (
        "至少 {limit} 个字符（不计首尾空白），现为 {got} 个",
        "Must be at least {limit} characters (not counting surrounding spaces); got {got}",
    ),
    "too-long": ("最多 {limit} 个字符，现为 {got} 个", "Must be at most {limit} characters; got {got}"),
    "pattern-mismatch": ("格式不正确（应符合 {pattern}）", "Does not have the required format {pattern}"),
    "pattern-subject-too-long": (
        "文本过长，无法按此格式规则校验（最多 {limit} 个字符）",
        "Too long to be checked against this pattern (at most {limit} characters)",
    ),
    "pattern-unsafe": (
        "表单对此项的格式规则无法安全校验（{reason_zh}），请联系流程设计人员修改表单",
        "This field's pattern cannot be checked safely ({reason_en}); ask the designer to fix the form",
    ),
    "invalid-email": ("电子邮件地址格式不正确", "Not a valid email address"),
    "invalid-phone": (
        "电话号码格式不正确（国际格式，如 +8613800000000）",
        "Not a valid phone number (international format, e.g. +8613800000000)",
    ),
    "not-a-number": ("应为数字", "Must be a number"),
    "too-small": ("不能小于 {limit}", "Must be at least {limit}"),
    "too-large": ("不能大于 {limit}", "Must be at most {limit}"),
    "not-an-integer": ("应为整数", "Must be a whole number"),
    "too-many-decimals": ("最多 {limit} 位小数", "At most {limit} decimal digits"),
    "not-a-step": ("应为 {step} 的整数倍", "Must be a multiple of {step}"),
    "not-a-boolean": ("应为是或否（true/false）", "Must be true or false"),
    "not-an-option": ("不是可选的值：{value}", "Not one of the allowed values: {value}"),
    "not-a-file": ("应为文件引用（文本）", "Must be a file reference (text)"),
    "invalid-date": ("应为日期，格式 YYYY-MM-DD", "Must be a date as YYYY-MM-DD"),
    "invalid-time": ("应为时间，格式 HH:MM{zone_zh}", "Must be a time as HH:MM{zone_en}"),
    "invalid-datetime": (
        "应为日期时间，格式 YYYY-MM-DDTHH:MM{zone_zh}",
        "Must be a date and time as YYYY-MM-DDTHH:MM{zone_en}",
    ),
}


@dataclass(frozen=True, slots=True)
class FieldError:
    key: str  # the field's data path: ``applicantName``, ``address.city``, ``clients[1].name``
    code: str
    message_zh: str
    message_en: str

    def to_json(self) -> dict[str, str]:
        return {"code": self.code, "message_zh": self.message_zh, "message_en": self.message_en}


def error(key: str, code: str, **params: JsonValue) -> FieldError:
    zh, en = MESSAGES[code]
    return FieldError(key, code, zh.format(**params), en.format(**params))

"""Masking personal data in decision texts before they are published (公示).

Identity numbers, credit codes and card numbers are generated here with their check
characters computed in the test; none belongs to a real person or company.
"""

from __future__ import annotations

import re

import pytest

from cnid import CREDIT_CODE_CHARSET
from engine.disclosure.redaction import (
    ADDRESS,
    ALL_RULES,
    DEFAULT_RULES,
    MOBILE,
    RESIDENT_ID,
    Rule,
    RuleHit,
    redact,
)


def id_check(first17: str) -> str:
    total = sum(int(digit) * pow(2, 17 - index, 11) for index, digit in enumerate(first17))
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


def resident_id(region: str = "370102", born: str = "19850307", sequence: str = "421") -> str:
    return region + born + sequence + id_check(region + born + sequence)


def credit_check(first17: str) -> str:
    total = sum(CREDIT_CODE_CHARSET.index(char) * pow(3, index, 31) for index, char in enumerate(first17))
    return CREDIT_CODE_CHARSET[(31 - total % 31) % 31]


def credit_code(first17: str = "91370102MA3C4Y5X2") -> str:
    return first17 + credit_check(first17)


def luhn_complete(body: str) -> str:
    """Append the Luhn check digit."""
    total = 0
    for index, char in enumerate(reversed(body)):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return body + str((10 - total % 10) % 10)


def luhn_fails(number: str) -> bool:
    return luhn_complete(number[:-1]) != number


PERSON_ID = resident_id()
COMPANY_CODE = credit_code()
CARD = luhn_complete("622202123456789012")  # 19 digits


def decision_text() -> str:
    return (
        "济南市历下区行政审批服务局\n"
        "准予行政许可决定书\n"
        "济历审批许字〔2024〕第0123号\n"
        f"申请人：张某某，公民身份号码：{PERSON_ID}，联系电话：13812345678，"
        "住址：山东省济南市历下区泉城路188号3单元502室。\n"
        f"委托代理人所在单位：山东某某餐饮管理有限公司，统一社会信用代码：{COMPANY_CODE}，"
        "住所：山东省济南市历下区经十路9777号。\n"
        "你于2024年5月20日提出的食品经营许可申请，经审查，符合《中华人民共和国食品安全法》第三十五条的规定，"
        "决定准予行政许可。许可证编号：JY13701020012345，有效期至2029年5月19日。"
        "注册资本1000万元，收费金额：0元。\n"
        f"退费账户：中国工商银行济南分行，账号：{CARD}。\n"
        "如不服本决定，可在收到本决定书之日起60日内申请行政复议。咨询电话：0531-86012345。\n"
        "2024年5月22日\n"
    )


def test_a_licensing_decision_keeps_the_company_and_masks_the_person() -> None:
    result = redact(decision_text())
    text = result.text
    assert PERSON_ID not in text and f"{PERSON_ID[:6]}********{PERSON_ID[-4:]}" in text
    assert "13812345678" not in text and "138****5678" in text
    assert "住址：山东省济南市历下区****。" in text and "泉城路188号" not in text
    assert CARD not in text and f"{'*' * 15}{CARD[-4:]}" in text
    for public in (
        COMPANY_CODE,
        "山东某某餐饮管理有限公司",
        "住所：山东省济南市历下区经十路9777号",
        "济历审批许字〔2024〕第0123号",
        "2024年5月20日",
        "JY13701020012345",
        "1000万元",
        "0531-86012345",
        "张某某",
        "60日",
    ):
        assert public in text, public
    assert result.applied == [
        RuleHit("address", 1),
        RuleHit("resident_id", 1),
        RuleHit("bank_card", 1),
        RuleHit("mobile", 1),
    ]
    assert result.changed


def test_masking_touches_nothing_but_the_personal_spans() -> None:
    original = decision_text()
    expected = (
        original.replace(PERSON_ID, f"{PERSON_ID[:6]}********{PERSON_ID[-4:]}")
        .replace("13812345678", "138****5678")
        .replace("泉城路188号3单元502室", "****")
        .replace(CARD, "*" * 15 + CARD[-4:])
    )
    assert redact(original).text == expected


def test_redacting_twice_changes_nothing_more() -> None:
    once = redact(decision_text())
    twice = redact(once.text)
    assert twice.text == once.text and twice.applied == [] and not twice.changed


def test_an_eighteen_digit_number_failing_the_id_check_stays() -> None:
    wrong_check = PERSON_ID[:-1] + ("0" if PERSON_ID[-1] != "0" else "1")
    if not luhn_fails(wrong_check):  # keep it out of the bank-card rule as well
        wrong_check = PERSON_ID[:-1] + ("2" if PERSON_ID[-1] != "2" else "3")
    assert luhn_fails(wrong_check)
    impossible_birth = "370102" + "19851332" + "421"
    text = f"身份证号：{wrong_check}；另一号码：{impossible_birth + id_check(impossible_birth)}。"
    assert redact(text).text == text


def test_numbers_that_fail_their_checks_stay() -> None:
    bad_card = CARD[:-1] + str((int(CARD[-1]) + 1) % 10)
    text = f"卡号：{bad_card}，电话：1281234567，号码：198123456789，金额：13812345678元。"
    assert redact(text).text == text


def test_labelled_public_numbers_stay_even_if_they_pass_a_check() -> None:
    case_number = luhn_complete("37010220240520001")  # 18 digits, Luhn-valid
    text = f"办件编号：{case_number}，许可证编号：{CARD}。"
    assert redact(text).text == text


def test_a_digit_only_credit_code_that_also_passes_the_id_check_is_kept_when_labelled() -> None:
    both = next(
        number
        for number in (resident_id("110105", "19900307", f"{n:03d}") for n in range(1000))
        if number[-1] != "X" and credit_check(number[:17]) == number[-1]
    )
    assert redact(f"统一社会信用代码：{both}").text == f"统一社会信用代码：{both}"
    assert both not in redact(f"身份证号：{both}").text
    assert both not in redact(f"号码 {both}").text  # unlabelled: an ID leak costs more than hiding a code


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13812345678", "138****5678"),
        ("138-1234-5678", "138****5678"),
        ("138 1234 5678", "138****5678"),
        ("+8619912345678", "+86199****5678"),
        ("+86 15012345678", "+86 150****5678"),
    ],
)
def test_mobile_numbers_in_their_usual_shapes_are_masked(phone: str, masked: str) -> None:
    result = redact(f"联系电话：{phone}。")
    assert result.text == f"联系电话：{masked}。"
    assert result.applied == [RuleHit("mobile", 1)]


def test_an_id_with_a_lowercase_x_is_masked() -> None:
    number = next(
        resident_id(sequence=f"{n:03d}")
        for n in range(1000)
        if resident_id(sequence=f"{n:03d}").endswith("X")
    )
    assert redact(f"身份证：{number.lower()}").text == f"身份证：{number[:6]}********{number[-4:].lower()}"


def test_a_grouped_card_number_keeps_its_groups_and_last_four() -> None:
    grouped = " ".join(CARD[i : i + 4] for i in range(0, len(CARD), 4))
    assert redact(f"账号：{grouped}").text == "账号：**** **** **** ***" + f"{CARD[15]} {CARD[16:]}"


@pytest.mark.parametrize(
    ("address", "kept"),
    [
        ("北京市朝阳区建国路88号院3号楼", "北京市朝阳区****"),
        ("新疆维吾尔自治区乌鲁木齐市天山区解放北路1号", "新疆维吾尔自治区乌鲁木齐市天山区****"),
        ("江苏省苏州市姑苏区人民路100号", "江苏省苏州市姑苏区****"),
        ("济南市市中区经七路1号", "济南市市中区****"),
        ("山东省寿光市圣城街道新区路3号", "山东省寿光市****"),
        ("济南市泉城花园小区5号楼", "济南市****"),
        ("泉城路188号", "****"),
    ],
)
def test_a_home_address_keeps_province_city_and_district(address: str, kept: str) -> None:
    assert redact(f"家庭住址：{address}；").text == f"家庭住址：{kept}；"


def test_an_address_without_detail_below_the_district_is_left_alone() -> None:
    assert redact("现住址：山东省济南市历下区。").applied == []


def test_a_residence_of_a_natural_person_is_masked_but_not_a_company_seat() -> None:
    text = (
        f"申请人：李某，男，1985年3月7日出生，公民身份号码：{PERSON_ID}，"
        "住所：山东省济南市天桥区北园大街1号。\n被申请人：某某有限公司，住所：山东省济南市历下区经十路1号。"
    )
    result = redact(text).text
    assert "住所：山东省济南市天桥区****。" in result
    assert "住所：山东省济南市历下区经十路1号。" in result


def test_the_caller_chooses_the_rules() -> None:
    text = decision_text()
    assert redact(text, rules=()).text == text
    only_phone = redact(text, rules=(MOBILE,))
    assert only_phone.applied == [RuleHit("mobile", 1)] and PERSON_ID in only_phone.text
    in_given_order = redact(text, rules=(RESIDENT_ID, ADDRESS)).applied
    assert [hit.rule for hit in in_given_order] == ["resident_id", "address"]
    with_landline = redact(text, rules=ALL_RULES)
    assert "0531-****2345" in with_landline.text and RuleHit("landline", 1) in with_landline.applied
    assert ALL_RULES[:4] == DEFAULT_RULES


def test_a_rule_is_plain_data() -> None:
    email = Rule(
        "email",
        re.compile(r"[\w.]+@[\w.]+"),
        lambda match: not match.group().endswith(".gov.cn"),
        lambda match: "***@" + match.group().split("@")[1],
    )
    result = redact("邮箱：zhang.san@example.com，单位邮箱：office@lixia.gov.cn", rules=(email,))
    assert result.text == "邮箱：***@example.com，单位邮箱：office@lixia.gov.cn"
    assert result.applied == [RuleHit("email", 1)]

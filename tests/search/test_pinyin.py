"""Names to pinyin: surnames read as surnames, ü as v, and no pypinyin at import time."""

import subprocess
import sys

import pytest

from station.search.pinyin import name_pinyin, name_spellings


def first_readings(name: str) -> str:
    return "".join(readings[0] for readings in name_pinyin(name))


def test_plain_name():
    assert name_pinyin("张三") == (("zhang",), ("san",))
    assert name_spellings("张三") == ({"zhangsan"}, {"zs"})


@pytest.mark.parametrize(
    ("name", "surname"),
    [
        ("曾三", "zeng"), ("单田芳", "shan"), ("解放", "xie"), ("仇英", "qiu"), ("区丽", "ou"),
        ("查良镛", "zha"), ("朴正", "piao"), ("缪斯", "miao"), ("乐文", "yue"), ("盖伟", "ge"),
        ("覃丽", "qin"), ("种明", "chong"), ("翟峰", "zhai"), ("祭红", "zhai"), ("员林", "yun"),
        ("召军", "shao"), ("繁华", "po"), ("黑明", "he"), ("秘书", "bi"), ("能力", "nai"),
        ("隗强", "wei"), ("长明", "chang"), ("重阳", "chong"), ("朝阳", "chao"), ("石头", "shi"),
        ("卜算", "bu"), ("薄荷", "bo"), ("贲亨", "ben"), ("句芒", "gou"), ("阚泽", "kan"),
        ("任我", "ren"), ("华佗", "hua"), ("燕青", "yan"), ("宁静", "ning"), ("纪晓", "ji"),
        ("折可", "she"), ("尉缭", "wei"), ("谌龙", "chen"), ("冼星", "xian"), ("洗玉", "xian"),
        ("都市", "du"), ("柏杨", "bai"), ("过客", "guo"), ("角色", "jue"), ("要离", "yao"),
        ("相声", "xiang"), ("藏獒", "zang"), ("费玉", "fei"), ("参军", "can"), ("沈阳", "shen"),
        ("叶公", "ye"), ("万一", "wan"), ("莫言", "mo"), ("车骑", "che"), ("殷红", "yin"),
        ("贾宝", "jia"), ("蓝天", "lan"),
    ],
)
def test_single_surnames_read_as_surnames(name, surname):
    assert name_pinyin(name)[0][0] == surname


@pytest.mark.parametrize(
    ("name", "spelled"),
    [
        ("欧阳修", "ouyangxiu"), ("司马光", "simaguang"), ("诸葛亮", "zhugeliang"),
        ("上官婉儿", "shangguanwaner"), ("尉迟恭", "yuchigong"), ("万俟卨", "moqixie"),
        ("长孙无忌", "zhangsunwuji"), ("单于飞", "chanyufei"), ("令狐冲", "linghuchong"),
        ("皇甫嵩", "huangfusong"), ("慕容复", "murongfu"), ("澹台明", "tantaiming"),
    ],
)
def test_compound_surnames(name, spelled):
    assert first_readings(name) == spelled


def test_only_the_first_character_is_a_surname():
    # 朝 and 重 as given names follow pypinyin's phrase reading, not the surname table.
    assert first_readings("王朝阳") == "wangzhaoyang"
    assert first_readings("曾曾") == "zengceng"


def test_a_compound_needs_a_given_name():
    assert first_readings("单于") == "shanyu"


def test_misread_surnames_are_alternatives():
    fulls, initials = name_spellings("单田芳")
    assert fulls == {"shantianfang", "dantianfang"}
    assert initials == {"stf", "dtf"}
    assert name_pinyin("尉迟恭")[0] == ("yu", "wei")


def test_u_umlaut_is_v():
    assert first_readings("吕女") == "lvnv"
    assert first_readings("张略") == "zhanglve"


def test_latin_words_and_separators():
    assert name_pinyin("John Smith") == (("john",), ("smith",))
    assert first_readings("阿依古丽·买买提") == "ayiguli" + "maimaiti"
    assert name_spellings("Ｊｏｈｎ Smith")[1] == {"js"}


def test_unknown_characters_and_empty_names():
    assert name_pinyin("") == ()
    assert name_pinyin("·") == ()
    assert first_readings("张\U0002ebef三") == "zhangsan"


def test_pypinyin_is_not_imported_with_station():
    code = "import sys, station.search.pinyin, station.search.lookup; sys.exit('pypinyin' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0

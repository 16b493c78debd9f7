"""Pinyin of residents' names: surnames read as surnames, the rest by pypinyin, cached for bulk use.

pypinyin loads large dictionaries, so it is imported inside the functions that need it: importing
`station` (and starting the UI) never pays for it; keys are computed when a person is written.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from itertools import islice, product

# One syllable position of a name: the likely reading first, then readings a clerk may type
# instead (the everyday reading of a polyphonic surname character, e.g. 单 shan, also dan).
Readings = tuple[str, ...]

# Compound surnames (复姓), each character's reading as a surname.
COMPOUND_SURNAMES: dict[str, tuple[str, str]] = {
    "欧阳": ("ou", "yang"), "司马": ("si", "ma"), "诸葛": ("zhu", "ge"),
    "上官": ("shang", "guan"), "尉迟": ("yu", "chi"), "万俟": ("mo", "qi"),
    "长孙": ("zhang", "sun"), "单于": ("chan", "yu"), "令狐": ("ling", "hu"),
    "皇甫": ("huang", "fu"), "慕容": ("mu", "rong"), "澹台": ("tan", "tai"),
    "司徒": ("si", "tu"), "司空": ("si", "kong"), "夏侯": ("xia", "hou"),
    "东方": ("dong", "fang"), "公孙": ("gong", "sun"), "宇文": ("yu", "wen"),
    "轩辕": ("xuan", "yuan"), "南宫": ("nan", "gong"), "西门": ("xi", "men"),
    "呼延": ("hu", "yan"), "端木": ("duan", "mu"), "百里": ("bai", "li"),
    "闻人": ("wen", "ren"), "赫连": ("he", "lian"), "独孤": ("du", "gu"),
    "拓跋": ("tuo", "ba"), "钟离": ("zhong", "li"), "申屠": ("shen", "tu"),
    "公冶": ("gong", "ye"), "太史": ("tai", "shi"), "仲孙": ("zhong", "sun"),
    "濮阳": ("pu", "yang"), "淳于": ("chun", "yu"), "鲜于": ("xian", "yu"),
    "宗政": ("zong", "zheng"), "左丘": ("zuo", "qiu"), "第五": ("di", "wu"),
    "乐正": ("yue", "zheng"), "漆雕": ("qi", "diao"), "亓官": ("qi", "guan"),
    "公羊": ("gong", "yang"), "谷梁": ("gu", "liang"), "巫马": ("wu", "ma"),
    "子车": ("zi", "ju"), "司寇": ("si", "kou"), "颛孙": ("zhuan", "sun"),
    "夹谷": ("jia", "gu"), "宰父": ("zai", "fu"), "东郭": ("dong", "guo"),
    "闾丘": ("lv", "qiu"), "太叔": ("tai", "shu"), "段干": ("duan", "gan"),
    "羊舌": ("yang", "she"), "梁丘": ("liang", "qiu"), "微生": ("wei", "sheng"),
    "公西": ("gong", "xi"), "壤驷": ("rang", "si"), "公良": ("gong", "liang"),
}

# Single-character surnames whose surname reading differs from (or is easily confused with)
# the character's everyday reading.
SINGLE_SURNAMES: dict[str, str] = {
    "曾": "zeng", "单": "shan", "解": "xie", "仇": "qiu", "区": "ou", "查": "zha",
    "朴": "piao", "缪": "miao", "乐": "yue", "盖": "ge", "覃": "qin", "种": "chong",
    "翟": "zhai", "祭": "zhai", "员": "yun", "召": "shao", "繁": "po", "黑": "he",
    "秘": "bi", "能": "nai", "隗": "wei", "长": "chang", "重": "chong", "朝": "chao",
    "石": "shi", "卜": "bu", "薄": "bo", "贲": "ben", "句": "gou", "阚": "kan",
    "任": "ren", "华": "hua", "燕": "yan", "宁": "ning", "纪": "ji", "折": "she",
    "尉": "wei", "谌": "chen", "冼": "xian", "洗": "xian", "都": "du", "柏": "bai",
    "过": "guo", "角": "jue", "要": "yao", "相": "xiang", "藏": "zang", "费": "fei",
    "参": "can", "沈": "shen", "叶": "ye", "万": "wan", "莫": "mo", "车": "che",
    "殷": "yin", "贾": "jia", "蓝": "lan", "便": "pian", "隽": "juan", "佴": "nai",
    "蕃": "pi", "郇": "xun", "褚": "chu", "那": "na", "鲜": "xian", "莘": "shen",
    "乜": "nie", "曲": "qu", "和": "he", "咸": "xian", "於": "yu", "应": "ying",
    "谷": "gu", "宿": "su", "盛": "sheng", "强": "qiang", "厉": "li",
    "行": "xing", "家": "jia", "禚": "zhuo", "炅": "gui", "哈": "ha",
    "把": "ba", "阿": "a", "期": "qi", "扎": "zha", "粘": "nian",
    "蛮": "man", "眭": "sui", "啜": "chuai", "占": "zhan",
    "宓": "mi", "荀": "xun", "吕": "lv", "闾": "lv",
}

# Pinyin combinations kept per name: alternatives only occur in the surname, so this is ample.
MAX_SPELLINGS = 12

_HAN = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_TOKEN = re.compile(f"([{_HAN}]+)|([a-z0-9]+)")
_HAN_CHAR = re.compile(f"[{_HAN}]")


def name_pinyin(name: str) -> tuple[Readings, ...]:
    """Readings per syllable of a name: one entry per Chinese character or Latin word.

    `name_pinyin("单于飞")` is `(("chan", "shan"), ("yu",), ("fei",))`; characters pypinyin does
    not know are left out, and so are dots and spaces. ü is written v (吕 lv).
    """
    text = unicodedata.normalize("NFKC", name or "").strip().lower()
    size, surname = _surname(text)
    return surname + _rest(text[size:])


def name_spellings(name: str) -> tuple[set[str], set[str]]:
    """(full pinyin, initials) of a name, one of each per reading of its surname.

    `name_spellings("张三")` is `({"zhangsan"}, {"zs"})`.
    """
    fulls: set[str] = set()
    initials: set[str] = set()
    for combination in islice(product(*name_pinyin(name)), MAX_SPELLINGS):
        fulls.add("".join(combination))
        initials.add("".join(syllable[0] for syllable in combination))
    fulls.discard("")
    initials.discard("")
    return fulls, initials


def _surname(text: str) -> tuple[int, tuple[Readings, ...]]:
    """How many leading characters are the surname, and their readings as a surname."""
    # A two-character name is a single surname plus a given name, never a compound surname alone.
    if len(text) >= 3 and text[:2] in COMPOUND_SURNAMES:
        pairs = zip(text[:2], COMPOUND_SURNAMES[text[:2]], strict=True)
        return 2, tuple(_with_everyday(char, reading) for char, reading in pairs)
    if len(text) < 2 or not _HAN_CHAR.match(text[0]):
        return 0, ()
    # The surname is read on its own: read with the given name, pypinyin may find a false phrase.
    if text[0] in SINGLE_SURNAMES:
        return 1, (_with_everyday(text[0], SINGLE_SURNAMES[text[0]]),)
    everyday = _everyday(text[0])
    return 1, ((everyday,),) if everyday else ()


def _with_everyday(char: str, surname_reading: str) -> Readings:
    """The surname reading first, then other readings a clerk may type (单于 chan, shan, dan)."""
    everyday = _everyday(char)
    candidates = (surname_reading, SINGLE_SURNAMES.get(char, ""), everyday)
    return tuple(dict.fromkeys(reading for reading in candidates if reading))


def _rest(text: str) -> tuple[Readings, ...]:
    """Readings of the part after the surname: Chinese runs by pypinyin, Latin words as they are."""
    readings: list[Readings] = []
    for match in _TOKEN.finditer(text):
        han, latin = match.groups()
        if latin:
            readings.append((latin,))
        else:
            readings.extend((syllable,) for syllable in _han_run(han) if syllable)
    return tuple(readings)


def _everyday(char: str) -> str:
    """A character's most common reading ("" when pypinyin does not know it)."""
    return next(iter(_han_run(char)), "")


@lru_cache(maxsize=1 << 16)
def _han_run(run: str) -> tuple[str, ...]:
    """Pinyin of a run of Chinese characters read as a phrase, leaving out those pypinyin lacks."""
    from pypinyin import Style, lazy_pinyin

    syllables = lazy_pinyin(run, style=Style.NORMAL, errors="ignore")
    return tuple(syllable.replace("ü", "v") for syllable in syllables)

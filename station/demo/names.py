"""Realistic Chinese names for demo residents: weighted surnames and given names by generation."""

from __future__ import annotations

import random
from itertools import accumulate

# Share per 10,000 people, after the 2020 census ranking, tilted north (Beijing). The rare
# polyphonic surnames (曾 单 解 区 查 朴 ...) are in on purpose: search must read them right.
SURNAME_WEIGHTS: dict[str, float] = {
    "王": 760, "李": 740, "张": 720, "刘": 580, "陈": 420, "杨": 320, "赵": 280, "黄": 180,
    "周": 170, "吴": 160, "徐": 140, "孙": 160, "马": 150, "朱": 120, "胡": 110, "郭": 130,
    "何": 90, "高": 120, "林": 80, "罗": 70, "郑": 80, "梁": 80, "谢": 60, "宋": 80,
    "唐": 60, "许": 60, "韩": 80, "冯": 60, "邓": 50, "曹": 60, "彭": 50, "曾": 40,
    "肖": 50, "田": 60, "董": 60, "袁": 40, "潘": 40, "于": 60, "蒋": 40, "蔡": 40,
    "余": 30, "杜": 50, "叶": 30, "程": 40, "苏": 40, "魏": 50, "吕": 40, "丁": 40,
    "任": 40, "沈": 30, "姚": 30, "卢": 30, "姜": 40, "崔": 40, "钟": 20, "谭": 20,
    "陆": 20, "汪": 20, "范": 30, "金": 30, "石": 30, "廖": 20, "贾": 30, "夏": 20,
    "付": 30, "方": 20, "白": 30, "邹": 20, "孟": 30, "熊": 20, "秦": 30, "邱": 20,
    "江": 20, "尹": 20, "薛": 20, "闫": 30, "段": 20, "雷": 20, "侯": 30, "龙": 10,
    "史": 20, "陶": 10, "贺": 20, "顾": 10, "毛": 10, "郝": 30, "龚": 10, "邵": 10,
    "万": 10, "钱": 10, "严": 10, "武": 20, "戴": 10, "孔": 10, "常": 20, "康": 10,
    "单": 6, "解": 5, "区": 2, "查": 3, "朴": 4, "仇": 3, "翟": 5, "缪": 2, "盖": 2,
    "乐": 2, "覃": 2, "尉": 1, "欧阳": 3, "司马": 1, "诸葛": 1, "上官": 1,
}

def _words(text: str) -> tuple[str, ...]:
    """Space-separated names, each once, in order."""
    return tuple(dict.fromkeys(text.split()))


# Given names people actually carry, by birth decade band; 1- and 2-character ones.
_GIVEN_OLD_MALE = _words(
    "建国 建华 国庆 卫国 志强 德明 振华 国平 永生 宝山 福林 文斌 建军 学军 玉山 长顺 凤山 "
    "树森 立新 有才 德胜 金生 洪亮 国良 志明 庆丰 广田 春生 宝林 铁柱 满仓 明 忠 华 清 林"
)
_GIVEN_OLD_FEMALE = _words(
    "秀英 桂英 玉兰 秀兰 凤英 淑珍 玉珍 桂兰 素芬 淑英 秀珍 玉梅 桂芳 翠花 凤兰 秀云 玉华 "
    "淑兰 桂珍 秀芳 兰英 金凤 素珍 秀华 玉英 凤琴 春兰 桂香 英 兰 珍 芳 梅"
)
_GIVEN_MID_MALE = _words(
    "伟 强 磊 军 勇 涛 斌 杰 峰 鹏 刚 亮 超 健 海涛 志刚 建伟 永强 晓东 海波 立军 红军 "
    "宏伟 志勇 建平 晓明 东升 卫东 文杰 国栋 春雷 明辉 立伟 海峰 振宇 俊峰 志伟 鹏飞 晓光"
)
_GIVEN_MID_FEMALE = _words(
    "丽 娟 敏 静 燕 艳 红 霞 慧 琳 婷 萍 丽娟 秀梅 晓燕 丽华 海燕 红梅 春燕 雪梅 丽萍 晓红 "
    "玉洁 艳红 丽丽 小丽 文静 晓丽 美玲 淑华 建英 翠平 春梅 晓梅 燕妮 丽君 红霞 雅琴"
)
_GIVEN_YOUNG_MALE = _words(
    "浩 宇 轩 睿 晨 铭 诚 博 子轩 浩然 宇轩 梓豪 俊杰 一鸣 博文 子豪 天佑 思远 皓轩 明轩 "
    "泽宇 宇航 嘉懿 煜城 懿轩 烨华 煜祺 智宸 正豪 昊然 明杰 立诚 立轩 立辉 峻熙 弘文 熠彤 鸿煊 "
    "鹏涛 炎彬 鹤轩 越彬 风华 靖琪 明辉 伟诚 明轩 健柏 修杰 志泽 弘文 峻熙 嘉懿 俊驰 雨泽 "
    "烨磊 晟睿 天佑 文昊 修洁 黎昕 远航 旭尧 鸿涛 伟祺 荣轩 越泽 浩宇 瑾瑜 皓轩 擎苍 擎宇"
)
_GIVEN_YOUNG_FEMALE = _words(
    "欣 悦 琪 瑶 萱 妍 怡 涵 欣怡 梓涵 子涵 诗涵 雨涵 可馨 思琪 佳怡 一诺 语桐 若曦 欣然 "
    "梦瑶 紫涵 雨欣 佳琪 婉清 欣妍 梓萱 诗琪 雅静 梦洁 梦璐 惠茜 漫妮 语嫣 桑榆 曼玉 歆瑶 "
    "凌薇 美琳 欢馨 优璇 雨嘉 娅楠 明美 可馨 惠茜 雨婷 一涵 沐晨 芷若 思彤 雨桐 梓萌 依诺"
)

# Characters combined into further two-character names, so duplicates stay rare.
_COMBINE_MALE_1 = _words("子 浩 宇 天 博 思 家 嘉 俊 志 文 明 建 国 永 海 晓 立 振 德 金 春 继 世 少 新 宏 鹏 启 承")
_COMBINE_MALE_2 = _words("轩 然 豪 杰 宇 鸣 文 远 涛 峰 强 华 明 辉 伟 军 平 林 成 龙 东 波 斌 刚 勇 生 良 飞 川 阳")
_COMBINE_FEMALE_1 = _words("雨 梓 诗 欣 佳 思 可 雅 梦 婉 晓 丽 秀 玉 春 美 慧 静 艳 红 淑 凤 桂 月 文 海 冬 雪 若 心")
_COMBINE_FEMALE_2 = _words("涵 怡 琪 彤 萱 馨 瑶 然 妍 婷 燕 娟 梅 英 华 兰 芳 霞 玲 洁 丹 敏 蓉 莉 颖 萍 琳 倩 静 悦")

# Korean and Japanese residents' names as written in Chinese characters (境外人员).
KOREAN_SURNAMES = ("金", "李", "朴", "崔", "郑", "姜", "赵", "尹", "张", "林")
KOREAN_GIVEN_MALE = ("敏俊", "智勋", "贤宇", "在允", "东贤", "承宪", "俊昊", "成民")
KOREAN_GIVEN_FEMALE = ("秀贤", "恩惠", "敏英", "志媛", "瑞妍", "惠真", "智恩", "多贤")
JAPANESE_SURNAMES = ("佐藤", "铃木", "高桥", "田中", "渡边", "伊藤", "山本", "中村")
JAPANESE_GIVEN_MALE = ("健一", "大辅", "翔太", "拓也", "浩二", "直树")
JAPANESE_GIVEN_FEMALE = ("美穗", "由美", "春香", "惠子", "直美", "真由美")


class NamePicker:
    """Draws surnames and given names from one random source (so a seed gives the same names)."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self._surnames = list(SURNAME_WEIGHTS)
        self._cumulative = list(accumulate(SURNAME_WEIGHTS.values()))

    def surname(self) -> str:
        return self.rng.choices(self._surnames, cum_weights=self._cumulative)[0]

    def given(self, male: bool, birth_year: int) -> str:
        """A given name typical for someone of this sex born in this year."""
        if self.rng.random() < 0.55:
            return self._combined(male, birth_year)
        pool = _era_pool(male, birth_year)
        return self.rng.choice(pool)

    def full(self, surname: str, male: bool, birth_year: int) -> str:
        return surname + self.given(male, birth_year)

    def foreign_surname(self, korean: bool) -> str:
        return self.rng.choice(KOREAN_SURNAMES if korean else JAPANESE_SURNAMES)

    def foreign_given(self, male: bool, korean: bool) -> str:
        """A Korean or Japanese given name as written in Chinese characters."""
        if korean:
            return self.rng.choice(KOREAN_GIVEN_MALE if male else KOREAN_GIVEN_FEMALE)
        return self.rng.choice(JAPANESE_GIVEN_MALE if male else JAPANESE_GIVEN_FEMALE)

    def _combined(self, male: bool, birth_year: int) -> str:
        first, second = (
            (_COMBINE_MALE_1, _COMBINE_MALE_2) if male else (_COMBINE_FEMALE_1, _COMBINE_FEMALE_2)
        )
        # Older generations got more single-character names.
        if 1955 <= birth_year < 1990 and self.rng.random() < 0.35:
            return self.rng.choice(second)
        return self.rng.choice(first) + self.rng.choice(second)


def _era_pool(male: bool, birth_year: int) -> tuple[str, ...]:
    if birth_year < 1960:
        return _GIVEN_OLD_MALE if male else _GIVEN_OLD_FEMALE
    if birth_year < 1990:
        return _GIVEN_MID_MALE if male else _GIVEN_MID_FEMALE
    return _GIVEN_YOUNG_MALE if male else _GIVEN_YOUNG_FEMALE

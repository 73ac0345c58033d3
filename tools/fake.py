"""Made-up people and units of the right shape, one generator for the demo data, the benchmark and the tests:
resident ID numbers with their check digit, USCCs with theirs, and Chinese names."""

from stdnum.cn import ric, uscc

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国志文斌宇浩凯健俊帆"


def resident_id(region, birth, serial):
    """An 18-digit resident ID: region (6), birth date (a date or YYYYMMDD), serial (3), check digit."""
    day = birth if isinstance(birth, str) else f"{birth:%Y%m%d}"
    body = f"{region}{day}{serial % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")  # stdnum ignores the last character


def unit_code(region, serial=1):
    """A USCC of a company (91) registered in `region`."""
    body = f"91{region}MA{serial:07d}"
    return body + uscc.calc_check_digit(body)


def name(n, rng=None):
    """The n-th name in a fixed order, or a random one of one or two given characters."""
    if rng is None:
        return SURNAMES[n % len(SURNAMES)] + GIVEN[n % len(GIVEN)]
    return SURNAMES[rng.randrange(len(SURNAMES))] + "".join(
        GIVEN[rng.randrange(len(GIVEN))] for _ in range(rng.choice((1, 2, 2)))
    )

"""Uploads are judged by their content against the profile's rules, and stored re-encoded."""

import io

import pytest
from PIL import Image

from console.errors import RuleViolation
from console.infra import images
from console.infra.images import ImageRule, check_image, thumbnail
from console.profiles import load_profile
from tests.images import PDF, noisy_jpeg, png, png_bomb

NMG_PHOTO = ImageRule.for_slot(load_profile("neimenggu"), "photo")
NMG_SCAN = ImageRule.for_slot(load_profile("neimenggu"), "id_front")
JILIN_SCAN = ImageRule.for_slot(load_profile("jilin"), "diploma")


def test_rules_come_from_the_profile():
    assert ImageRule(("JPEG",), 100, 60, 295, 413) == NMG_PHOTO
    assert ImageRule(("JPEG",), 150, 60) == NMG_SCAN
    assert ImageRule(("JPEG", "PNG"), 200) == JILIN_SCAN
    assert NMG_PHOTO.describe() == "JPEG（.jpg），60-100 KB，295×413 像素"


CHONGQING_SCAN = ImageRule.for_slot(load_profile("chongqing"), "id_front")


def phone_photo(width, height):
    """What a phone takes: smooth light with sensor noise, over 2 MB at the camera's quality."""
    light = Image.linear_gradient("L").resize((width, height))
    noise = Image.effect_noise((width, height), 24)
    image = Image.merge("RGB", [Image.blend(light, noise, 0.3), light, Image.blend(light, noise, 0.2)])
    out = io.BytesIO()
    image.save(out, "JPEG", quality=97)
    return out.getvalue()


def test_a_large_phone_photo_is_reduced_where_the_profile_says_and_refused_elsewhere():
    data = phone_photo(4000, 3000)
    assert len(data) > 2048 * 1024 and CHONGQING_SCAN.reduce and not JILIN_SCAN.reduce
    checked = check_image(data, CHONGQING_SCAN)  # 003: 手机拍照上传
    assert checked.format == "JPEG" and len(checked.content) <= 2048 * 1024
    assert max(checked.width, checked.height) >= 1400 and checked.width / checked.height == pytest.approx(4 / 3, 0.01)
    assert "更大的照片由系统自动压缩" in CHONGQING_SCAN.describe()
    with pytest.raises(RuleViolation, match="超过 200 KB 的上限"):
        check_image(data, JILIN_SCAN)
    with pytest.raises(RuleViolation, match="压缩后仍超过 150 KB"):
        check_image(noisy_jpeg(1800, 1800, 300), ImageRule(("JPEG",), 150, reduce=True))


def test_a_good_photo_is_kept_re_encoded_without_exif():
    exif = Image.Exif()
    exif[0x010F] = "某品牌相机"  # Make
    data = noisy_jpeg(295, 413, 60, 100, exif=exif.tobytes())
    assert Image.open(io.BytesIO(data)).getexif()
    checked = check_image(data, NMG_PHOTO)
    assert (checked.format, checked.width, checked.height, checked.suffix) == ("JPEG", 295, 413, ".jpg")
    stored = Image.open(io.BytesIO(checked.content))
    assert stored.size == (295, 413) and not stored.getexif()
    assert Image.open(io.BytesIO(thumbnail(checked.content))).size[1] == 320


@pytest.mark.parametrize(
    "make, rule, message",
    [
        (lambda: PDF, NMG_SCAN, "文件内容不是 JPEG 格式的图片（按文件内容识别，与文件名无关）"),
        (lambda: png(600, 400), NMG_SCAN, "文件内容不是 JPEG 格式的图片"),
        (lambda: noisy_jpeg(900, 700, 70, 140)[:40_000], JILIN_SCAN, "图片文件不完整或已损坏"),
        (lambda: noisy_jpeg(900, 700, 70, 140)[:100], JILIN_SCAN, "图片文件不完整或已损坏"),  # cut in its header
        (png_bomb, JILIN_SCAN, "图片像素尺寸过大"),
        (lambda: noisy_jpeg(1600, 1200, 160, 1000), NMG_SCAN, "超过 150 KB 的上限"),
        (lambda: noisy_jpeg(300, 200, 0, 40), NMG_SCAN, "不足 60 KB，请提高扫描清晰度"),
        (lambda: noisy_jpeg(300, 420, 60, 100), NMG_PHOTO, "照片应为 295×413 像素（宽×高），上传的是 300×420 像素"),
    ],
)
def test_bad_uploads_are_refused_with_the_reason(make, rule, message):
    with pytest.raises(RuleViolation, match=message):
        check_image(make(), rule)


def test_png_is_fine_where_the_profile_allows_it():
    assert check_image(png(800, 600), JILIN_SCAN).format == "PNG"


@pytest.mark.parametrize("province", ["neimenggu", "bingtuan", "jilin", "chongqing"])
@pytest.mark.parametrize("width, height", [(1200, 1600), (800, 600), (295, 413)])
def test_a_fitted_photo_passes_the_profiles_own_check(province, width, height):
    rule = images.ImageRule.for_slot(load_profile(province), "photo")
    fitted = images.fit_photo(noisy_jpeg(width, height), rule)
    checked = images.check_image(fitted, rule)
    assert (checked.width, checked.height) == ((rule.width, rule.height) if rule.width else images.ONE_INCH)
    assert "exif" not in Image.open(io.BytesIO(fitted)).info


def test_a_photo_too_plain_to_reach_the_lower_bound_is_refused_with_the_reason():
    rule = images.ImageRule.for_slot(load_profile("neimenggu"), "photo")
    with pytest.raises(RuleViolation, match="照片细节过少，调整后不足 60 KB"):
        images.fit_photo(png(600, 800), rule)
    with pytest.raises(RuleViolation, match="格式的图片"):
        images.fit_photo(PDF, rule)


COMMENT = b"GPS 40.84N 111.75E, taken by 13912345678"


def with_comment(data, comment=COMMENT):
    """The JPEG with a comment segment (COM) after its start, as some phones and editors write."""
    segment = b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment
    marked = data[:2] + segment + data[2:]
    assert Image.open(io.BytesIO(marked)).info["comment"] == comment
    return marked


def test_no_comment_survives_any_stored_copy():
    photo = with_comment(noisy_jpeg(295, 413, 60, 100))
    scan = with_comment(noisy_jpeg(900, 650, 65, 145))
    big = with_comment(noisy_jpeg(3000, 2200, 0, 10_000))
    stored = [
        check_image(photo, NMG_PHOTO).content,  # kept re-encoded
        check_image(scan, NMG_SCAN).content,
        images.fit_photo(photo, NMG_PHOTO),  # 照片自动调整
        check_image(big, ImageRule.for_slot(load_profile("chongqing"), "id_front")).content,  # reduced
        thumbnail(scan),
    ]
    for content in stored:
        assert COMMENT not in content and "comment" not in Image.open(io.BytesIO(content)).info

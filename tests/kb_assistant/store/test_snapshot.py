import pytest

from kb_assistant.store.snapshot import region_applies


@pytest.mark.parametrize(
    ("doc_region", "wanted", "applies"),
    [
        ("全国", "湖南省常德市", True),
        ("湖南省常德市", "湖南省常德市", True),
        ("湖南省", "湖南省常德市", True),
        ("湖南省常德市", "湖南省", True),
        ("上海市", "湖南省常德市", False),
        ("上海市", None, True),
        ("", "上海市", True),
    ],
)
def test_region_applies_national_and_nested_regions(doc_region: str, wanted: str | None, applies: bool):
    assert region_applies(doc_region, wanted) is applies

"""The tagger on the shapes real reporting takes (issue 18), in sentences of our own: articles with
suffixes, jurisdiction named only by a body, a city, a currency or a code, the stage of the news
rather than of its background, penalties as sites print them (ranges with the unit said once,
bulleted lists, foreign currency with a conversion), and Kazakh vocabulary."""
import pytest

from lexwatch.nlp import analyze_text


def tags(text: str, url: str = "", outlet: str | None = None) -> dict:
    return analyze_text(text, url, outlet=outlet).deepfake


def instruments(text: str) -> set:
    return {(i["name"], i["article"], i["part"]) for i in tags(text)["instruments"]}


@pytest.mark.parametrize("text,expected", [
    ("Deepfake offence\nLawmakers want a new Article 163-1 of the Criminal Code on deepfakes, punishable by a fine.",
     {("Criminal Code", "163-1", None)}),
    ("Дипфейки в КоАП\nДепутаты предложили дополнить КоАП статьей 641-1 о дипфейках; штраф составит 30 МРП.",
     {("Code of Administrative Offences", "641-1", None)}),
    ("Дипфейки и клевета\nСоздание дипфейка для клеветы подпадает под статью 128.1 УК РФ, грозит штраф.",
     {("Criminal Code", "128.1", None)}),
    ("Dipfeyk\nDipfeyk videolara görə Cinayət Məcəlləsinin 168-1-ci maddəsi və 145.2-ci maddəsi ilə cərimə tətbiq edilə bilər.",
     {("Criminal Code", "168-1", None), ("Criminal Code", "145", "2")}),
])
def test_article_numbers_keep_their_suffix(text, expected):
    assert instruments(text) == expected

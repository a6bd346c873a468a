"""Articles that `lexwatch dashboards check` indexes into a scratch index and aggregates: several
countries, stages, outlets, languages, bodies and penalty kinds, one article in two countries, one
not relevant, one with a penalty but no country."""
from __future__ import annotations

from urllib.parse import urlsplit

from lexwatch.article import Article
from lexwatch.outlets import Outlet, outlets


def _outlet(country: str, nth: int = 0) -> Outlet:
    """The registry's nth outlet at home in `country` (sorted by name)."""
    return [o for o in outlets().values() if o.country == country][nth]


def _article(slug, outlet: Outlet, language, published, relevant=True, **tags) -> Article:
    host = urlsplit(outlet.sites[0].base_url).netloc
    return Article(url=f"https://{host}/{language}/{slug}", outlet=outlet.name, edition=language, language=language,
                   title=slug.replace("-", " ").capitalize(), body=f"Sample body of {slug}.",
                   published_at=published, fetched_at="2026-03-10T08:00:00+00:00",
                   deepfake={"relevant": relevant, "score": 0.9 if relevant else 0.1, **tags})


def _fine(low, high, unit):
    return {"kind": "fine", "min": low, "max": high, "unit": unit}


def sample_articles() -> list[Article]:
    az, kz, kz2 = _outlet("AZ"), _outlet("KZ"), _outlet("KZ", 1)
    return [
        _article("az-criminal-liability-bill", az, "az", "2026-01-31T23:30:00+04:00", stage="proposal",
                 jurisdictions=["AZ"], bodies=["Milli Məclis"],
                 penalties=[_fine(3000, 7000, "AZN"), {"kind": "imprisonment", "min": None, "max": 3, "unit": "years"}]),
        _article("az-committee-backs-deepfake-amendments", az, "en", "2026-03-01T00:30:00+04:00",
                 stage="committee", jurisdictions=["AZ"], bodies=["Milli Majlis", "Legal Policy Committee"],
                 penalties=[_fine(3000, 7000, "AZN"), {"kind": "imprisonment", "min": 1, "max": 2, "unit": "years"}]),
        _article("az-second-reading", az, "ru", "2026-03-20T10:00:00+04:00", stage="reading",
                 reading=2, jurisdictions=["AZ"], bodies=["Milli Majlis"], penalties=[_fine(2500, 8000, "AZN")]),
        _article("kz-mvd-explains-liability", kz, "ru", "2025-11-22T10:15:00+05:00", stage="guidance",
                 jurisdictions=["KZ"], bodies=["Ministry of Internal Affairs"],
                 penalties=[{"kind": "imprisonment", "min": None, "max": 7, "unit": "years"}]),
        _article("kz-fines-for-deepfakes", kz2, "ru", "2025-07-04T18:40:00+05:00", stage="proposal",
                 jurisdictions=["KZ"], bodies=["Mazhilis"],
                 penalties=[{**_fine(None, 100, "MRP"), "equivalent": {"min": None, "max": 393200, "unit": "KZT"}},
                            {"kind": "arrest", "min": 10, "max": 30, "unit": "days"}]),
        _article("kz-az-joint-rules", kz, "en", "2026-01-05T09:00:00+05:00", stage="proposal",
                 jurisdictions=["KZ", "AZ"], bodies=["Mazhilis", "Milli Majlis"]),
        _article("uz-unlabelled-ai-video-fine", kz2, "ru", "2026-02-10T12:00:00+05:00", stage="adopted",
                 penalties=[_fine(1000000, 3000000, "UZS")]),
        _article("bank-chatbot", az, "en", "2026-01-12T11:00:00+04:00", relevant=False,
                 jurisdictions=["AZ"], bodies=["Central Bank"]),
    ]

"""A reproducible synthetic corpus for benchmarks at scale: az/ru/en articles over five years, with
article lengths and tags distributed roughly like the outlets' (about 1 in 12 relevant).

Word frequencies follow news rather than a flat list, because search cost is set by how many
documents each query word is in: every article is mostly everyday words drawn by Zipf's law (a few
function words in nearly every article, a long tail of rare ones), plus the vocabulary of its section.
Legal words are in about a sixth of the articles, deepfake words in the relevant twelfth and a few
tech stories, sport words only in sport. The same generator feeds the embedded and the Elasticsearch
benchmarks, so both see equal data."""
from __future__ import annotations

import itertools
import random
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import Any, Iterator

from lexwatch.article import Article
from lexwatch.outlets import Outlet, outlets

# Each section's own words; multiword entries are emitted together, so phrases like "уголовный
# кодекс" occur as phrases. "deepfake" is the relevant articles' section.
SECTIONS: dict[str, dict[str, str]] = {
    "ru": {"legal": "закон штраф депутат мажилис сенат поправка статья суд ответственность чтение проект "
                    "министерство президент|уголовный кодекс|административный кодекс",
           "deepfake": "дипфейк маркировка контент изображение голос|искусственный интеллект",
           "economy": "экономика бюджет нефть банк тенге манат рынок компания инфляция",
           "sport": "спорт футбол матч чемпионат команда",
           "tech": "технология цифровой платформа пользователь данные",
           "society": "регион школа погода выборы правительство"},
    "az": {"legal": "qanun cərimə deputat məclis layihə maddə məhkəmə məsuliyyət oxunuş nazirlik prezident"
                    "|cinayət məcəlləsi|inzibati xətalar məcəlləsi",
           "deepfake": "dipfeyk etiket məzmun görüntü səs|süni intellekt",
           "economy": "iqtisadiyyat büdcə neft bank manat bazar şirkət inflyasiya",
           "sport": "idman futbol oyun çempionat komanda",
           "tech": "texnologiya rəqəmsal platforma istifadəçi məlumat",
           "society": "region məktəb hava seçki hökumət"},
    "en": {"legal": "law fine deputy parliament senate amendment article court liability reading draft "
                    "ministry president|criminal code|administrative code",
           "deepfake": "deepfake labeling content image voice|artificial intelligence",
           "economy": "economy budget oil bank market company inflation manat tenge",
           "sport": "sport football match championship team",
           "tech": "technology digital platform user data",
           "society": "region school weather election government"},
    "kk": {"legal": "заң айыппұл депутат мәжіліс сенат түзету бап сот жауапкершілік оқылым жоба министрлік"
                    "|қылмыстық кодекс",
           "deepfake": "дипфейк таңбалау мазмұн сурет дауыс|жасанды интеллект",
           "economy": "экономика бюджет мұнай банк теңге нарық компания",
           "sport": "спорт футбол матч чемпионат команда",
           "tech": "технология цифрлық платформа пайдаланушы дерек",
           "society": "өңір мектеп ауа райы сайлау үкімет"},
}
# Everyday words lead the Zipf ranking (they are in nearly every article, as in real text).
FUNCTION_WORDS = {
    "ru": "и в на что по с не о за как из к это для от также году он его было будет которые при",
    "az": "və bu ilə üçün də bir olan isə ki görə daha sonra ilk artıq həm onun il əsasən edib",
    "en": "the of and to in a that for on is was with by as it said at from has will be its",
    "kk": "және бұл мен үшін да бір деп осы жылы оның болып тиіс еді енді сондай",
}
ALPHABET = {"ru": ("бвгдзклмнпрстфхчш", "аеиоуыя"), "az": ("bcçdfgğhjklmnpqrsştvxyz", "aeəıioöuü"),
            "en": ("bcdfghklmnprstvwz", "aeiou"), "kk": ("бгғдзйкқлмнңпрстш", "аәеиоөұүы")}
GENERAL_WORDS = 6000   # distinct everyday words per language besides the function words
ZIPF_EXPONENT = 1.07
SECTION_SHARE = 0.12   # of an article's words come from its sections' vocabularies
SECTION_WEIGHTS = {"economy": 25, "society": 22, "legal": 17, "sport": 12, "tech": 12}
# The corpus's outlets, zones and home countries come from the outlet registry: every outlet with an
# edition in the article's language (sorted by name), dated in its newsroom's zone.
LANGUAGES = ("ru", "az", "en")   # of the corpus, drawn 5:3:2
UNIT = {"AZ": "AZN", "KZ": "MRP", "UZ": "BRV"}   # the fine unit of a home country (nlp/rules/*.yaml)


@lru_cache(maxsize=1)
def corpus_outlets() -> dict[str, tuple[Outlet, ...]]:
    """Language -> the registry's outlets with an edition in it."""
    return {lang: tuple(o for o in outlets().values() if lang in o.languages) for lang in LANGUAGES}


STAGES = ("proposal", "committee", "reading", "adopted", "signed", "in_force", "guidance", "enforcement")
START = datetime(2021, 1, 1, tzinfo=timezone.utc)
SPAN_SECONDS = 5 * 365 * 86400


@lru_cache(maxsize=None)
def _vocabulary(language: str) -> tuple[list[str], list[float]]:
    """Function words then invented everyday words, with Zipf cumulative weights (rank ** -s)."""
    rng = random.Random(f"vocabulary-{language}")
    consonants, vowels = ALPHABET[language]
    words, seen = FUNCTION_WORDS[language].split(), set()
    seen.update(words)
    while len(words) < GENERAL_WORDS:
        word = "".join(rng.choice(consonants) + rng.choice(vowels) for _ in range(rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    weights = [rank ** -ZIPF_EXPONENT for rank in range(1, len(words) + 1)]
    return words, list(itertools.accumulate(weights))


@lru_cache(maxsize=None)
def _mixture(language: str, sections: tuple[str, ...]) -> tuple[list[str], list[float]]:
    """Everyday words and the sections' words in one cumulative table, so that an article is a single
    weighted draw: SECTION_SHARE of the mass to the sections (split evenly per entry of `sections`),
    their entries ranked by a flatter power law than everyday words."""
    general, general_cum = _vocabulary(language)
    words, weights = list(general), [w * (1 - SECTION_SHARE) / general_cum[-1] for w in
                                     (general_cum[0], *(b - a for a, b in itertools.pairwise(general_cum)))]
    for name in sections:
        single, *phrases = SECTIONS[language][name].split("|")
        entries = single.split() + phrases
        ranked = [rank ** -0.8 for rank in range(1, len(entries) + 1)]
        words += entries
        weights += [w * SECTION_SHARE / len(sections) / sum(ranked) for w in ranked]
    return words, list(itertools.accumulate(weights))


def _words(rng: random.Random, language: str, count: int, sections: tuple[str, ...]) -> list[str]:
    words, cum = _mixture(language, sections)
    return rng.choices(words, cum_weights=cum, k=count)


@lru_cache(maxsize=None)
def _mixture_array(language: str, sections: tuple[str, ...]) -> Any:
    import numpy
    return numpy.asarray(_mixture(language, sections)[1])


def _draw(generator: Any, language: str, count: int, sections: tuple[str, ...]) -> list[str]:
    """_words for the million-article corpus: one vectorised draw (numpy) instead of `count` bisects."""
    words = _mixture(language, sections)[0]
    cum = _mixture_array(language, sections)
    return [words[i] for i in cum.searchsorted(generator.random(count) * cum[-1], side="right").tolist()]


def _sections(rng: random.Random, relevant: bool) -> tuple[str, ...]:
    if relevant:
        return ("legal", "deepfake", "deepfake", "tech")
    main = rng.choices(list(SECTION_WEIGHTS), weights=list(SECTION_WEIGHTS.values()))[0]
    if main == "tech" and rng.random() < 0.15:   # tech news that mentions deepfakes without regulating them
        return ("tech", "deepfake")
    return (main,)


def synthetic_articles(n: int, seed: int = 7) -> Iterator[Article]:
    import numpy
    rng, generator = random.Random(seed), numpy.random.default_rng(seed)
    for i in range(n):
        language = rng.choices(LANGUAGES, weights=(5, 3, 2))[0]
        outlet = rng.choice(corpus_outlets()[language])
        relevant = rng.random() < 0.08
        sections = _sections(rng, relevant)
        body = " ".join(_draw(generator, language, article_length(rng), sections))
        title = " ".join(_draw(generator, language, rng.randint(5, 12), sections)).capitalize()
        moment = (START + timedelta(seconds=rng.randrange(SPAN_SECONDS))).astimezone(outlet.zone)
        deepfake = {"relevant": relevant, "score": 0.9 if relevant else 0.05}
        if relevant:
            deepfake.update(stage=rng.choice(STAGES), jurisdictions=[outlet.country],
                            penalties=[{"kind": "fine", "min": 100, "max": rng.choice((500, 1000, 7000)),
                                        "unit": UNIT.get(outlet.country, "MRP")}])
        yield Article(url=f"https://bench.{outlet.name}.test/{language}/{i}", outlet=outlet.name, edition=language,
                      language=language, title=title, body=body, published_at=moment.isoformat(),
                      fetched_at=moment.isoformat(), deepfake=deepfake)


def synthetic_text(rng: random.Random, language: str, words: int) -> str:
    """Sentences of 8-20 words, paragraphs of 3-6 sentences, on a section or two of the outlet."""
    sections = _sections(rng, rng.random() < 0.3)
    paragraphs, sentences, count = [], [], 0
    while count < words:
        n = rng.randint(8, 20)
        sentences.append(" ".join(_words(rng, language, n, sections)).capitalize() + ".")
        count += n
        if len(sentences) >= rng.randint(3, 6):
            paragraphs.append(" ".join(sentences))
            sentences = []
    if sentences:
        paragraphs.append(" ".join(sentences))
    return "\n\n".join(paragraphs)


def article_length(rng: random.Random) -> int:
    """Words in a news body: log-normal, median ~300, a tail into the thousands."""
    return max(40, min(3000, int(rng.lognormvariate(5.7, 0.5))))

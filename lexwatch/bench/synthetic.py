"""A reproducible synthetic corpus for benchmarks at scale: az/ru/en articles over five years, with
article lengths and tags distributed roughly like the outlets' (about 1 in 12 relevant).

The same generator feeds the embedded and the Elasticsearch benchmarks, so both see equal data."""
from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from typing import Iterator

from lexwatch.article import Article

WORDS = {
    "ru": ("закон штраф дипфейк депутат мажилис сенат поправка кодекс статья суд искусственный интеллект "
           "контент маркировка ответственность президент министерство проект чтение голос изображение "
           "экономика бюджет нефть банк тенге манат рынок регион школа погода спорт футбол выборы "
           "правительство компания технология цифровой платформа пользователь данные").split(),
    "az": ("qanun cərimə dipfeyk deputat məclis layihə məcəllə maddə məhkəmə süni intellekt məzmun "
           "etiket məsuliyyət prezident nazirlik oxunuş səs görüntü iqtisadiyyat büdcə neft bank manat "
           "bazar region məktəb hava idman futbol seçki hökumət şirkət texnologiya rəqəmsal platforma").split(),
    "en": ("law fine deepfake deputy parliament senate amendment code article court artificial intelligence "
           "content labeling liability president ministry draft reading voice image economy budget oil bank "
           "market region school weather sport football election government company technology digital "
           "platform user data").split(),
    "kk": ("заң айыппұл дипфейк депутат мәжіліс сенат түзету кодекс бап сот жасанды интеллект мазмұн "
           "таңбалау жауапкершілік президент министрлік жоба оқылым дауыс сурет экономика бюджет мұнай банк "
           "теңге нарық өңір мектеп ауа райы спорт футбол сайлау үкімет компания технология цифрлық платформа").split(),
}
OUTLETS = {"az": ("report",), "ru": ("report", "kazinform", "kursiv"), "en": ("report", "kazinform", "kursiv")}
ZONE = {"report": timezone(timedelta(hours=4)), "kazinform": timezone(timedelta(hours=5)),
        "kursiv": timezone(timedelta(hours=5))}
COUNTRY = {"report": "AZ", "kazinform": "KZ", "kursiv": "KZ"}
STAGES = ("proposal", "committee", "reading", "adopted", "signed", "in_force", "guidance", "enforcement")
START = datetime(2021, 1, 1, tzinfo=timezone.utc)
SPAN_SECONDS = 5 * 365 * 86400


def synthetic_articles(n: int, seed: int = 7) -> Iterator[Article]:
    rng = random.Random(seed)
    for i in range(n):
        language = rng.choices(("ru", "az", "en"), weights=(5, 3, 2))[0]
        outlet = rng.choice(OUTLETS[language])
        words = WORDS[language]
        # News bodies are log-normally long: median ~300 words, a tail into the thousands.
        length = article_length(rng)
        body = " ".join(rng.choice(words) for _ in range(length))
        title = " ".join(rng.choice(words) for _ in range(rng.randint(5, 12))).capitalize()
        moment = (START + timedelta(seconds=rng.randrange(SPAN_SECONDS))).astimezone(ZONE[outlet])
        relevant = rng.random() < 0.08
        deepfake = {"relevant": relevant, "score": 0.9 if relevant else 0.05}
        if relevant:
            deepfake.update(stage=rng.choice(STAGES), jurisdictions=[COUNTRY[outlet]],
                            penalties=[{"kind": "fine", "min": 100, "max": rng.choice((500, 1000, 7000)),
                                        "unit": "AZN" if outlet == "report" else "MRP"}])
        yield Article(url=f"https://bench.{outlet}.test/{language}/{i}", outlet=outlet, edition=language,
                      language=language, title=title, body=body, published_at=moment.isoformat(),
                      fetched_at=moment.isoformat(), deepfake=deepfake)


def synthetic_text(rng: random.Random, language: str, words: int) -> str:
    """Sentences of 8-20 words from the language's vocabulary, paragraphs of 3-6 sentences."""
    vocabulary, paragraphs, sentences, count = WORDS[language], [], [], 0
    while count < words:
        n = rng.randint(8, 20)
        sentences.append(" ".join(rng.choice(vocabulary) for _ in range(n)).capitalize() + ".")
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

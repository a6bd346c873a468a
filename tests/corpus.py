"""A small realistic corpus for the store contract tests: az, ru, en articles from the three outlets,
tagged as the NLP stage would tag them, with dates placed on month and week boundaries."""
from __future__ import annotations

from lexwatch.article import Article


def _a(url, outlet, lang, title, body, published, **deepfake) -> Article:
    return Article(url=url, outlet=outlet, edition=lang, language=lang, title=title, body=body,
                   published_at=published, fetched_at="2026-03-10T08:00:00+00:00", deepfake=deepfake)


def corpus() -> list[Article]:
    return [
        _a("https://report.az/milli-meclis/suni-intellekt-cinayet-mesuliyyeti", "report", "az",
           "Şəxsin razılığı olmadan süni intellektlə görüntü yaradılmasına görə cinayət məsuliyyəti",
           "Milli Məclis Cinayət Məcəlləsinə dəyişiklikləri müzakirə edir. Layihəyə görə, saxta görüntülərin "
           "yayılmasına görə 3000 manatdan 7000 manatadək cəriməsi və ya üç ilədək azadlıqdan məhrumetmə nəzərdə tutulur.",
           "2026-01-31T23:30:00+04:00", relevant=True, stage="proposal", jurisdictions=["AZ"],
           penalties=[{"kind": "fine", "min": 3000, "max": 7000, "unit": "AZN"}], bodies=["Milli Məclis"]),
        _a("https://report.az/ru/milli-medzhlis/poddelka-golosa-ii-ugolovno-nakazuema", "report", "ru",
           "В Азербайджане подделка голоса и фото с помощью ИИ будет уголовно наказуема",
           "Милли Меджлис рассматривает поправки в Уголовный кодекс. За создание дипфейков без согласия "
           "человека предлагаются штрафы от 3000 до 7000 манатов или лишение свободы на срок до трех лет.",
           "2026-03-01T00:30:00+04:00", relevant=True, stage="committee", jurisdictions=["AZ"]),
        _a("https://report.az/en/milli-majlis/azerbaijan-may-criminalize-ai-generated-voice", "report", "en",
           "Azerbaijan may criminalize AI-generated voice and image manipulation",
           "The Milli Majlis is considering amendments to the Criminal Code. Creating deepfakes without consent "
           "would be punishable by penalties of 3,000 to 7,000 manats or imprisonment for up to three years.",
           "2026-03-12T14:23:00+04:00", relevant=True, stage="committee", jurisdictions=["AZ"]),
        _a("https://www.inform.kz/ru/mvd-raz-yasnilo-otvetstvennost-za-dipfeyki-1a2b3c", "kazinform", "ru",
           "В МВД разъяснили ответственность за дипфейки",
           "Нормы действующего законодательства распространяются на дипфейки. За нарушение неприкосновенности "
           "частной жизни по статье 147 Уголовного кодекса грозит лишение свободы до семи лет.",
           "2025-11-22T10:15:00+05:00", relevant=True, stage="guidance", jurisdictions=["KZ"]),
        _a("https://kz.kursiv.media/2025-07-04/v-kazahstane-vvedut-shtrafy-za-dipfeyki/", "kursiv", "ru",
           "В Казахстане введут штрафы за дипфейки",
           "Штраф за дипфейки может достигать 100 МРП, сообщила автор законопроекта об искусственном интеллекте. "
           "Депутаты обсуждают, включать ли наказание в Уголовный кодекс.",
           "2025-07-04T18:40:00+05:00", relevant=True, stage="proposal", jurisdictions=["KZ"]),
        _a("https://www.inform.kz/en/kazakhstan-and-azerbaijan-discuss-ai-rules-77aa01", "kazinform", "en",
           "Kazakhstan and Azerbaijan discuss joint rules on synthetic media",
           "Officials of both countries discussed labeling rules for synthetic media and deepfake penalties.",
           "2026-01-05T09:00:00+05:00", relevant=True, stage="proposal", jurisdictions=["KZ", "AZ"]),
        _a("https://report.az/en/business/new-ai-chatbot-launched", "report", "en",
           "Bank launches AI chatbot for customers",
           "A local bank launched an AI chatbot. The service costs 5 manats a month and answers questions.",
           "2026-01-12T11:00:00+04:00", relevant=False),
        _a("https://www.inform.kz/ru/sud-vynes-prigovor-po-delu-o-moshennichestve-55ff00", "kazinform", "ru",
           "Суд вынес приговор по делу о мошенничестве",
           "Суд Астаны приговорил мошенника к пяти годам лишения свободы. Дело не связано с искусственным интеллектом.",
           "2026-02-16T16:45:00+05:00", relevant=False),
        _a("https://kz.kursiv.media/2026-02-02/kriptovalyuty-i-zakon/", "kursiv", "ru",
           "Криптовалюты и закон: что изменится",
           "Мажилис одобрил поправки о криптовалютах. Штрафы за нарушения составят до 200 МРП.",
           "2026-02-02T12:00:00+05:00", relevant=False, jurisdictions=["KZ"]),
        _a("https://report.az/iqtisadiyyat/manat-mezennesi", "report", "az",
           "Manatın məzənnəsi dəyişməz qalıb",
           "Mərkəzi Bank manatın rəsmi məzənnəsini açıqlayıb. Ölkə iqtisadiyyatı sabit inkişaf edir.",
           "2026-02-27T09:30:00+04:00", relevant=False),
        _a("https://report.az/en/world/eu-ai-act-deepfake-labels-enter-into-force", "report", "en",
           "EU deepfake labelling duties enter into force",
           "The AI Act's transparency obligations for deepfakes enter into force, requiring labels on synthetic content.",
           "2026-08-02T10:00:00+02:00", relevant=True, stage="in_force", jurisdictions=["EU"], obligations=["labeling"]),
    ]

"""The error classes the second dev batch (tests/data/eval/real/dev2) showed, in sentences of our
own: courts and regulators acting on a case, a cabinet approving a draft, relative clauses, a
comparison's subject, currencies and terms real reporting prints, article suffixes in letters."""
import pytest

from lexwatch.nlp import analyze_text


def tags(text: str) -> dict:
    return analyze_text(text, "").deepfake


def penalties(text: str) -> set:
    return {(p["kind"], p["min"], p["max"], p["unit"]) for p in tags(text)["penalties"]}


@pytest.mark.parametrize("text,expected", [
    # a court acts on a law: the law's signature is context, the injunction is the news
    ("Judge blocks state deepfake law two weeks after signing\nA federal judge barred the state from enforcing its new "
     "law on AI-generated election deepfakes.", "enforcement"),
    ("Regulator fines consultant over AI robocalls\nThe commission imposed a fine against the consultant whose calls used "
     "an AI-generated voice of the president.", "enforcement"),
    ("Суд взыскал компенсацию за дипфейк\nАрбитражный суд взыскал с компании компенсацию за ролик, созданный с помощью "
     "технологии дипфейка.", "enforcement"),
    ("Ofcom X желісіне тергеу бастады\nРеттеуші чат-бот жасаған жалған суреттерге байланысты тергеу бастады.", "enforcement"),
    ("Məhkəmə dipfeyk saytlarına qarşı qərar çıxarıb\nMəhkəmə süni intellektlə yaradılmış saxta görüntülərin silinməsi "
     "barədə müvəqqəti qərar çıxarıb.", "enforcement"),
    # the executive approves a draft: it goes to parliament
    ("Country approves draft law on AI labels\nThe cabinet on Tuesday approved a draft law that fines companies for "
     "unlabelled AI-generated content.", "proposal"),
    ("Үкімет ЖИ контентін таңбалау туралы заң жобасын мақұлдады\nҮкімет жасанды интеллект жасаған контентті таңбалау "
     "туралы заң жобасын мақұлдады.", "proposal"),
    # ...but a parliament adopting the law the government drafted is adoption
    ("Mazhilis adopts AI law\nThe Mazhilis adopted the law on artificial intelligence, which requires labels on "
     "AI-generated content; the government had approved the draft in 2024.", "adopted"),
    ("Мәжіліс ЖИ туралы заңды қабылдады\nМәжіліс депутаттары жасанды интеллект жасаған контентті таңбалау туралы заңды "
     "қабылдады, заң жобасын Үкімет әзірлеген.", "adopted"),
    # the main clause decides: the arrest that prompted the law is its background
    ("Deepfake law passed\nParliament passed the law on AI-generated deepfakes after police arrested a student who made "
     "fake nude images.", "adopted"),
    # a lawsuit a new law allows is not enforcement of it
    ("Governor signs deepfake bill\nThe governor signed a bill that lets victims of AI-generated deepfakes file a "
     "lawsuit against creators.", "signed"),
])
def test_stage_of_the_news(text, expected):
    assert tags(text)["stage"] == expected


def test_a_step_in_a_relative_clause_is_another_measures():
    d = tags("Regulator drafts labels for AI-generated content\nThe regulator published draft measures on labelling "
             "AI-generated content. The proposal builds on the deepfake rules that took effect in January 2023.")
    assert d["stage"] == "proposal"


def test_signs_of_a_fake_are_not_a_signature():
    d = tags("Police warn of AI voice messages\nCriminals send AI-generated voice messages that imitate officials. "
             "The warning listed signs of synthetic voices such as odd pauses.")
    assert not d["relevant"]


@pytest.mark.parametrize("text,expected", [
    # the subject named before 'first in the EU' keeps its weight; the EU is only compared
    ("Италия первой в ЕС приняла закон о дипфейках\nСенат Италии одобрил закон об ответственности за дипфейки, "
     "созданные ИИ.", ["IT"]),
    ("Сингапур запретил дипфейки кандидатов\nПарламент Сингапура запретил публиковать дипфейки кандидатов, созданные ИИ.",
     ["SG"]),
    # a Kazakh text about Italy's senators: 'сенатор' no longer brings in Kazakhstan
    ("Италия Сенаты дипфейк туралы заң қабылдады\nИталия Сенаты жасанды интеллект арқылы жасалған дипфейк үшін жаза "
     "туралы заңды қабылдады. Заң үшін 77 сенатор дауыс берді.", ["IT"]),
])
def test_jurisdiction(text, expected):
    assert tags(text)["jurisdictions"] == expected


@pytest.mark.parametrize("text,expected", [
    ("Singapore bans election deepfakes\nPlatforms that ignore a takedown order over deepfakes made with AI face a fine of "
     "up to 1 million Singapore dollars.", {("fine", None, 1000000, "SGD")}),
    # '90 days in jail' in US reporting is a jail term; 'within five years' dates the repeat, it is no term
    ("Deepfake election law upheld\nA first violation of the deepfake law is punishable by up to 90 days in jail; a repeat "
     "offence within five years carries up to five years in prison.",
     {("imprisonment", None, 90, "days"), ("imprisonment", None, 5, "years")}),
    # a limitation period is not a prison term
    ("Сенат одобрил законопроект о дипфейках\nЖертвы дипфейков, созданных ИИ, смогут подать иск. Срок исковой давности "
     "составит 10 лет.", set()),
    # a range whose ends have different units
    ("Dipfeyk cəzası\nSüni intellektlə saxta görüntü yaradanlar üçün cəza altı aydan iki ilədək azadlıqdan məhrumetmədir.",
     {("imprisonment", 6, 24, "months")}),
    # the headline's 'up to five years' is the top of the body's range, not a second penalty
    ("Италияда дипфейк үшін бес жылға дейін бас бостандығынан айыру\nЖасанды интеллект арқылы жасалған бейнені таратқандар "
     "бір жылдан бес жылға дейін бас бостандығынан айырылуы мүмкін.", {("imprisonment", 1, 5, "years")}),
])
def test_penalties(text, expected):
    assert penalties(text) == expected


@pytest.mark.parametrize("text,expected", [
    ("Deepfake law\nThe law adds Article 612-quater to the Criminal Code on spreading AI-generated deepfakes.",
     ("Criminal Code", "612-quater", None)),
    ("Dipfeyk\nQanun Cinayət Məcəlləsinin 147-B maddəsinə süni intellektlə saxta görüntülərə görə dəyişiklik edir.",
     ("Criminal Code", "147-B", None)),
])
def test_article_suffixes_in_letters(text, expected):
    assert expected in {(i["name"], i["article"], i["part"]) for i in tags(text)["instruments"]}


@pytest.mark.parametrize("text,expected", [
    # the dev3 gaps: royal assent, a trial without a verdict, a date of entry into force alone
    ("Data bill becomes law\nThe bill received royal assent on Thursday; it makes creating sexually explicit deepfakes "
     "made with AI a crime.", "signed"),
    ("Deepfake makers on trial\nTwo men who made AI-generated pornographic deepfakes of a politician are on trial for "
     "defamation.", "enforcement"),
    ("Qaydalar süni intellektlə yaradılmış kontentin nişanlanmasını tələb edir\nSüni intellektlə yaradılmış kontentin "
     "nişanlanması qaydaları sentyabrın 1-dən qüvvəyə minəcək.", "signed"),
])
def test_stage_vocabulary_dev3(text, expected):
    assert tags(text)["stage"] == expected


def test_digital_replicas_are_synthetic_media():
    assert tags("Senators reintroduce bill on digital replicas\nThe bill would make it unlawful to produce an "
                "unauthorised digital replica of a person's voice or likeness.")["relevant"]

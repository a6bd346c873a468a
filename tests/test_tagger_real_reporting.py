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


def penalties(text: str) -> set:
    return {(p["kind"], p["min"], p["max"], p["unit"], p["equivalent"]["max"] if p["equivalent"] else None)
            for p in tags(text)["penalties"]}


@pytest.mark.parametrize("text,expected", [
    # a dash range, a scale abbreviation and the unit said once for two amounts
    ("Штрафы за дипфейки\nЗа распространение дипфейков, созданных ИИ, законопроект вводит штраф от 20–60 тыс. рублей "
     "для граждан, 150–300 тыс. — для юридических лиц.",
     {("fine", 20000, 60000, "RUB", None), ("fine", 150000, 300000, "RUB", None)}),
    # one penalty per line under a lead line, the tenge value in brackets
    ("ЖИ жасаған жалған бейне үшін айыппұл\nЖасанды интеллект арқылы жасалған жалған бейнені таратқаны үшін әкімшілік "
     "айыппұл мөлшері мынадай:\nЖеке тұлғаларға – 20 АЕК (86 500 теңге)\nЗаңды тұлғаларға – 200 АЕК (865 000 теңге)",
     {("fine", 20, 20, "MRP", 86500), ("fine", 200, 200, "MRP", 865000)}),
    # foreign currency with a conversion in brackets is one fine
    ("Seoul tightens deepfake rules\nUnder the amended law, making sexual deepfakes with AI is punishable by up to six years "
     "in prison or a fine of up to 40 million won (about $29,000).",
     {("imprisonment", None, 6, "years", None), ("fine", None, 40000000, "KRW", 29000)}),
    # restriction of liberty 'for the same period' repeats the term
    ("Дипфейки в УК\nЗа клевету с использованием дипфейков законопроект предусматривает до трёх лет лишения свободы "
     "с ограничением свободы на тот же срок.",
     {("imprisonment", None, 3, "years", None), ("restriction_of_liberty", None, 3, "years", None)}),
])
def test_penalties_as_sites_print_them(text, expected):
    assert penalties(text) == expected


def test_calendar_years_are_not_terms():
    text = ("Дипфейки: итоги\nВ 2024–2025 годах суды по делам о дипфейках, созданных ИИ, назначали лишение свободы "
            "на срок до двух лет.")
    assert penalties(text) == {("imprisonment", None, 2, "years", None)}


@pytest.mark.parametrize("text,outlet,expected", [
    # a national body, no country name
    ("Deepfake bill clears the Senate\nThe bill that makes sexually explicit deepfakes a federal crime was passed by the "
     "Senate and now goes to the House of Representatives.", None, ["US"]),
    ("Мажилисмены одобрили поправки о дипфейках\nДепутаты Мажилиса одобрили поправки об ответственности за дипфейки, "
     "созданные с помощью ИИ.", None, ["KZ"]),
    # Kazakhstan's senators in a Kazakh text that also mentions the US in passing
    ("Сенаторлар дипфейк туралы заңды мақұлдады\nСенат жасанды интеллект арқылы жасалған жалған бейнелер үшін жауапкершілік "
     "туралы заңды мақұлдады. Сенатор АҚШ тәжірибесін де еске салды, бірақ заң тек ұлттық нормаларды өзгертеді.",
     None, ["KZ"]),
    # a city, a ministry by its abbreviation, a currency
    ("В Алматы задержали автора дипфейков\nПолицейские задержали мужчину, который с помощью нейросети создавал поддельные "
     "видео; возбуждено уголовное дело.", None, ["KZ"]),
    ("Dipfeyk videoya görə saxlanılıb\nDİN məlumat yayıb ki, süni intellektlə saxta video hazırlayan şəxs saxlanılıb, "
     "barəsində cinayət işi başlanıb.", None, ["AZ"]),
    ("Deepfake fines\nA fine of 200,000 tenge now applies to anyone who spreads a deepfake video made with AI without a label.",
     None, ["KZ"]),
    # a national code by its initials
    ("Дипфейки и закон\nЗа дипфейки, созданные ИИ, с целью мошенничества грозит лишение свободы по УК РФ.", None, ["RU"]),
    # the outlet's home is a prior: an Azerbaijani outlet reporting a Korean law
    ("Deepfake law tightened\nThe National Assembly passed a bill punishing possession of sexual deepfakes made with AI by "
     "up to three years in prison or a fine of 30 million won.", "report", ["KR"]),
    # and the answer when the story gives no clue at all
    ("Deepfake bill\nDeputies discussed a draft law on labelling AI-generated videos; violators would be fined.",
     "report", ["AZ"]),
    # the Senate beside a country name belongs to that country
    ("Сенат США одобрил законопроект о дипфейках\nСенат США одобрил законопроект об ответственности за дипфейки, "
     "созданные с помощью ИИ.", None, ["US"]),
])
def test_jurisdiction_without_a_country_name(text, outlet, expected):
    assert tags(text, outlet=outlet)["jurisdictions"] == expected


@pytest.mark.parametrize("text,expected", [
    # passed by one chamber and on to the other: a reading
    ("Deepfake bill clears the Senate\nThe bill on AI-generated intimate images was passed by the Senate and now heads to "
     "the House of Representatives.", "reading"),
    ("Мажилис одобрил закон о дипфейках\nДепутаты Мажилиса одобрили закон об ответственности за дипфейки, созданные "
     "с помощью ИИ, и направили его в Сенат.", "reading"),
    # a committee backing a bill
    ("Комитет Госдумы поддержал законопроект о дипфейках\nКомитет Госдумы по информационной политике поддержал "
     "законопроект о маркировке контента, созданного нейросетями.", "committee"),
    # modality and tense: nothing achieved yet
    ("Government may adopt deepfake rules\nThe government may adopt rules obliging platforms to label AI-generated videos, "
     "the minister said.", "proposal"),
    ("Закон о дипфейках могут принять до конца года\nЗаконопроект о дипфейках, созданных с помощью ИИ, примут до конца "
     "года, заявил депутат.", "proposal"),
    ("Dipfeyk qanunu\nSüni intellektlə yaradılmış saxta videolara görə cərimə tətbiq edən qanun layihəsi payız sessiyasında "
     "qəbul ediləcək.", "proposal"),
    ("Fines for deepfakes proposed\nUnder the draft, people who spread deepfakes made with AI will be fined up to "
     "1,000 manats, and the bill is expected to be adopted in spring.", "proposal"),
    # a signed law whose entry into force is still ahead
    ("President signs deepfake law\nThe president signed the law on deepfakes made with AI; it will take effect in January.",
     "signed"),
    # a body's guidelines are guidance, not law in force
    ("Commission adopts labelling guidelines\nThe European Commission adopted guidelines on labelling AI-generated content "
     "under the AI Act.", "guidance"),
    # Kazakh and Azerbaijani stages
    ("Дипфейк туралы заң күшіне енді\nЖасанды интеллект арқылы жасалған жалған бейнелер туралы заң түзетулері күшіне енді.",
     "in_force"),
    ("Президент дипфейк туралы заңға қол қойды\nМемлекет басшысы жасанды интеллект арқылы жасалған жалған бейнелер үшін "
     "жауапкершілік туралы заңға қол қойды.", "signed"),
    ("Dipfeyk qanunu qüvvəyə minib\nSüni intellektlə yaradılmış saxta videolara görə cərimə nəzərdə tutan qanun qüvvəyə minib.",
     "in_force"),
])
def test_stage_of_the_news(text, expected):
    assert tags(text)["stage"] == expected


@pytest.mark.parametrize("text,relevant", [
    # police acting on a case is enforcement, relevant
    ("Teen held over fake nude images\nPolice detained a 16-year-old who used an AI app to make fake intimate photos of "
     "classmates and shared them in a group chat.", True),
    # a prosecutor's office adopting AI tools is not about synthetic media
    ("Генпрокуратура внедрила ИИ для проверки дел\nПрокуратура начала применять систему искусственного интеллекта, "
     "которая изучает материалы уголовных дел и находит нарушения сроков.", False),
    # a bank's scam warning names criminals, not a law
    ("Lender warns of voice-cloning scams\nA bank warned that criminals use AI voice-cloning tools to pose as relatives "
     "and ask for money; it advises families to agree a code word.", False),
])
def test_relevance_edges(text, relevant):
    assert tags(text)["relevant"] is relevant


def test_russian_person_names_come_whole():
    # names without a role word before them, hyphenated surnames, no place glued on (pymorphy3's name tags)
    text = ("Сенатор предложил наказывать за дипфейки\nСенатор от Крыма Сергей Карякин разработал законопроект "
            "о запрете дипфейков, созданных с помощью ИИ. Законопроект поддержал Якоб Энгель-Шмидт, сообщил Карякин.")
    people = tags(text)["persons"]
    assert "Сергей Карякин" in people and "Якоб Энгель-Шмидт" in people
    assert not any("Крыма" in p for p in people) and "Карякин" not in people


@pytest.mark.parametrize("text,expected", [
    ("Депутаты внесли поправки о дипфейках\nДепутаты внесли в Госдуму поправки в Уголовный кодекс об ответственности "
     "за дипфейки, созданные ИИ.\nРечь идет о статьях 128.1 («Клевета»), 159 («Мошенничество») и 165.",
     {("Criminal Code", "128.1", None), ("Criminal Code", "159", None), ("Criminal Code", "165", None)}),
    ("Дипфейк туралы заң\n«Жасанды интеллект туралы» заңға қол қойылды: ЖИ жасаған жалған бейнелер таңбалануы тиіс.",
     {("Law on Artificial Intelligence", None, None)}),
])
def test_instruments_named_apart_from_their_articles(text, expected):
    assert instruments(text) == expected


def test_kazakh_money_and_for_are_not_numbers_or_countries():
    # 'ақша' (money) is not 'АҚШ' (the US); 'үшін' (for) is not 'үш' (three)
    d = tags("Дипфейк үшін айыппұл\nЖасанды интеллект арқылы жасалған жалған бейне үшін ақша талап еткен адамға "
             "айыппұл салынды, деп хабарлады Алматы полициясы.")
    assert d["jurisdictions"] == ["KZ"]
    assert all(p["max"] != 3 for p in d["penalties"])


def test_azerbaijani_plural_endings_keep_the_kind():
    # 'islah işləri' (correctional labour) is the kind, not the generic 'nəzərdə tutulur'
    assert penalties("Dipfeyk\nLayihədə süni intellektlə yaradılmış dipfeyklərin yayılmasına görə iki ildən dörd ilədək "
                     "islah işləri nəzərdə tutulur.") == {("correctional_labour", 2, 4, "years", None)}


def test_a_bill_that_will_go_to_the_senate_is_still_a_proposal():
    assert tags("Deepfake bill drafted\nDeputies drafted a bill on labelling AI-generated videos; it will be sent to "
                "the Senate after public consultation.")["stage"] == "proposal"


def test_currency_signs_before_the_amount():
    assert penalties("UK deepfake rules\nUnder the Online Safety Act, platforms that ignore AI-generated intimate "
                     "deepfakes face fines of up to £18 million.") == {("fine", None, 18000000, "GBP", None)}


def test_a_governor_signing_is_a_us_state_law():
    d = tags("Deepfake election law signed\nThe governor signed a bill that makes distributing AI-generated deepfakes "
             "of candidates a misdemeanour, punishable by a fine of up to $1,000.")
    assert d["stage"] == "signed" and d["jurisdictions"] == ["US"]


def test_an_approval_headline_over_a_numbered_reading_is_that_reading():
    d = tags("Мәжіліс дипфейк туралы заң жобасын мақұлдады\nМәжіліс депутаттары жасанды интеллект арқылы жасалған "
             "дипфейктер туралы заң жобасын бірінші оқылымда мақұлдады.")
    assert (d["stage"], d["reading"]) == ("reading", 1)


def test_countries_named_for_comparison_count_less():
    d = tags("Поправки о дипфейках одобрены\nДепутаты Мажилиса одобрили поправки о маркировке контента, "
             "созданного ИИ. Аналогичные нормы уже действуют в Китае и Южной Корее, напомнил автор поправок.")
    assert d["jurisdictions"] == ["KZ"]

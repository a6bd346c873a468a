"""The words of a digest in each language it can be written in (`--lang-of-digest`).

Data only, apart from the plural rules: Russian numerals govern the noun's case ("1 статья",
"3 статьи", "5 статей"), Azerbaijani keeps the noun singular after any numeral, English adds -s.
"""
from __future__ import annotations

from typing import Any

DIGEST_LANGUAGES = ("en", "ru", "az")

WORDS: dict[str, dict[str, Any]] = {
    "en": {
        "articles": ("new article", "new articles"),
        "subject": "lexwatch «{name}»: {count}, {day}",
        "heading": "lexwatch digest «{name}» — {count}, {day}",
        "query": "Query", "filters": "Filters", "everything": "(everything)",
        "no_country": "No jurisdiction named", "no_stage": "Stage not identified",
        "original": "Original", "in_lexwatch": "In lexwatch",
        "stage_changes": "Stage changes", "new_track": "new", "versions": "versions",
        "held_back": "{n} more matching articles will follow in the next digest.",
        "nothing": "No new articles matched since the last digest.",
        "stop": "To stop this digest: lexwatch alerts remove {name}",
        "stages": {"proposal": "proposal", "committee": "committee", "reading": "reading", "adopted": "adopted",
                   "signed": "signed", "in_force": "in force", "guidance": "guidance",
                   "enforcement": "enforcement"},
        "countries": {"AZ": "Azerbaijan", "KZ": "Kazakhstan", "RU": "Russia", "UZ": "Uzbekistan",
                      "KG": "Kyrgyzstan", "TJ": "Tajikistan", "TM": "Turkmenistan", "GE": "Georgia",
                      "AM": "Armenia", "BY": "Belarus", "UA": "Ukraine", "TR": "Türkiye", "CN": "China",
                      "US": "United States", "GB": "United Kingdom", "EU": "European Union",
                      "KR": "South Korea", "IN": "India", "FR": "France", "DE": "Germany"},
    },
    "ru": {
        "articles": ("новая статья", "новые статьи", "новых статей"),
        "subject": "lexwatch «{name}»: {count}, {day}",
        "heading": "Дайджест lexwatch «{name}» — {count}, {day}",
        "query": "Запрос", "filters": "Фильтры", "everything": "(всё)",
        "no_country": "Юрисдикция не указана", "no_stage": "Стадия не определена",
        "original": "Оригинал", "in_lexwatch": "В lexwatch",
        "stage_changes": "Изменения стадий", "new_track": "новое", "versions": "версии",
        "held_back": "Ещё {n} подходящих статей придут в следующем дайджесте.",
        "nothing": "С прошлого дайджеста новых статей нет.",
        "stop": "Чтобы отписаться: lexwatch alerts remove {name}",
        "stages": {"proposal": "предложение", "committee": "комитет", "reading": "чтение", "adopted": "принят",
                   "signed": "подписан", "in_force": "вступил в силу", "guidance": "разъяснение",
                   "enforcement": "правоприменение"},
        "countries": {"AZ": "Азербайджан", "KZ": "Казахстан", "RU": "Россия", "UZ": "Узбекистан",
                      "KG": "Кыргызстан", "TJ": "Таджикистан", "TM": "Туркменистан", "GE": "Грузия",
                      "AM": "Армения", "BY": "Беларусь", "UA": "Украина", "TR": "Турция", "CN": "Китай",
                      "US": "США", "GB": "Великобритания", "EU": "Европейский союз",
                      "KR": "Южная Корея", "IN": "Индия", "FR": "Франция", "DE": "Германия"},
        # penalties: kind, then "up to" / "at least" with the genitive the preposition takes
        "kinds": {"fine": "штраф", "imprisonment": "лишение свободы", "community_service": "обязательные работы",
                  "restriction_of_liberty": "ограничение свободы", "correctional_labour": "исправительные работы",
                  "arrest": "арест", "other": "наказание"},
        "up_to": "до {n} {unit_genitive}", "at_least": "от {n} {unit_genitive}",
        "units": {"years": ("год", "года", "лет"), "months": ("месяц", "месяца", "месяцев"),
                  "days": ("день", "дня", "дней"), "hours": ("час", "часа", "часов")},
    },
    "az": {
        "articles": ("yeni məqalə",),
        "subject": "lexwatch «{name}»: {count}, {day}",
        "heading": "lexwatch icmalı «{name}» — {count}, {day}",
        "query": "Sorğu", "filters": "Filtrlər", "everything": "(hamısı)",
        "no_country": "Yurisdiksiya göstərilməyib", "no_stage": "Mərhələ müəyyən edilməyib",
        "original": "Mənbə", "in_lexwatch": "lexwatch-da",
        "stage_changes": "Mərhələ dəyişiklikləri", "new_track": "yeni", "versions": "versiyalar",
        "held_back": "Daha {n} uyğun məqalə növbəti icmalda göndəriləcək.",
        "nothing": "Son icmaldan bəri yeni məqalə yoxdur.",
        "stop": "Bu icmalı dayandırmaq üçün: lexwatch alerts remove {name}",
        "stages": {"proposal": "təklif", "committee": "komitə", "reading": "oxunuş", "adopted": "qəbul edilib",
                   "signed": "imzalanıb", "in_force": "qüvvəyə minib", "guidance": "izahat",
                   "enforcement": "tətbiqetmə"},
        "countries": {"AZ": "Azərbaycan", "KZ": "Qazaxıstan", "RU": "Rusiya", "UZ": "Özbəkistan",
                      "KG": "Qırğızıstan", "TJ": "Tacikistan", "TM": "Türkmənistan", "GE": "Gürcüstan",
                      "AM": "Ermənistan", "BY": "Belarus", "UA": "Ukrayna", "TR": "Türkiyə", "CN": "Çin",
                      "US": "ABŞ", "GB": "Böyük Britaniya", "EU": "Avropa İttifaqı",
                      "KR": "Cənubi Koreya", "IN": "Hindistan", "FR": "Fransa", "DE": "Almaniya"},
        "kinds": {"fine": "cərimə", "imprisonment": "azadlıqdan məhrumetmə", "community_service": "ictimai işlər",
                  "restriction_of_liberty": "azadlığın məhdudlaşdırılması", "correctional_labour": "islah işləri",
                  "arrest": "inzibati həbs", "other": "cəza"},
        "up_to": "ən çoxu {n} {unit}", "at_least": "ən azı {n} {unit}",
        "units": {"years": ("il",), "months": ("ay",), "days": ("gün",), "hours": ("saat",)},
    },
}


def russian_form(n: float, forms: tuple[str, ...]) -> str:
    """forms = (1 год, 2 года, 5 лет); fractions take the genitive singular ("1,5 года")."""
    if not float(n).is_integer():
        return forms[1]
    n = int(abs(n))
    if n % 10 == 1 and n % 100 != 11:
        return forms[0]
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return forms[1]
    return forms[2]


def russian_genitive(n: float, forms: tuple[str, ...]) -> str:
    """After до/от the noun is genitive: "до 1 года", "до 3 лет", "до 21 года"."""
    n_int = int(abs(n)) if float(n).is_integer() else None
    return forms[1] if n_int is None or (n_int % 10 == 1 and n_int % 100 != 11) else forms[2]


def count_phrase(n: int, lang: str) -> str:
    forms = WORDS[lang]["articles"]
    if lang == "ru":
        return f"{n} {russian_form(n, forms)}"
    if lang == "en":
        return f"{n} {forms[0] if n == 1 else forms[1]}"
    return f"{n} {forms[0]}"


def country_name(code: str | None, lang: str) -> str:
    words = WORDS[lang]
    if code is None:
        return words["no_country"]
    name = words["countries"].get(code)
    return f"{name} ({code})" if name else code


def stage_name(stage: str | None, lang: str) -> str:
    return WORDS[lang]["stages"].get(stage, stage) if stage else WORDS[lang]["no_stage"]

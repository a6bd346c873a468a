"""The words of a digest in each language it can be written in (`--lang-of-digest`).

Data only, apart from counting articles (Russian plural rules: lexwatch/plural.py). Penalties are
worded by lexwatch/penalties.py, in these languages and Kazakh.
"""
from __future__ import annotations

from typing import Any

from lexwatch.plural import russian_form

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
    },
}


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

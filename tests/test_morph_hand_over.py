"""Search keys computed in an analysis worker and handed to the crawl process's store: taken once,
only for the exact text and language they were computed for."""
from lexwatch.nlp.morph import hand_over, lemma_text


def test_handed_over_keys_are_used_once_for_their_exact_text_and_language():
    text = "Депутаты обсудили штрафы за дипфейки"
    computed = lemma_text(text, "ru")
    hand_over(text, "ru", computed)
    assert lemma_text(text, "ru") == computed                     # taken (same answer as computing)
    hand_over(text, "ru", "handed over")
    assert lemma_text(text, "en") == lemma_text(text, "en") != "handed over"   # another language: computed
    assert lemma_text(text + " ", "ru") != "handed over"           # another text: computed
    assert lemma_text(text, "ru") == "handed over"                 # the exact pair: taken...
    assert lemma_text(text, "ru") == computed                      # ...once

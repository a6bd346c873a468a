"""Daily alert digests: saved searches ("subscriptions") whose new matches are e-mailed once.

Settings: the alerts file (`--alerts-db`, LEXWATCH_ALERTS_DB; default `alerts.db` beside an SQLite
store, `./data/alerts.db` for Elasticsearch) and SMTP (LEXWATCH_SMTP_* or a TOML file, see smtp.py).
"""
from lexwatch.alerts.runner import DigestOutcome, run_alerts
from lexwatch.alerts.smtp import SmtpSettings
from lexwatch.alerts.subscriptions import AlertsError, Subscription, SubscriptionBook, alerts_db_path

__all__ = ["AlertsError", "DigestOutcome", "SmtpSettings", "Subscription", "SubscriptionBook",
           "alerts_db_path", "run_alerts"]

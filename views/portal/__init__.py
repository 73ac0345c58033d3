"""The accountant portal (/portal): account pages (account), the collection wizard (wizard) and entry
filings (entry_filing)."""


def init_app(app):
    from views.portal import account, entry_filing, wizard

    account.init_app(app)
    wizard.init_app(app)
    entry_filing.init_app(app)

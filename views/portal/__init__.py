"""The accountant portal (/portal): account pages (account), the collection wizard (wizard), entry
filings (entry_filing), what the province and its bureaus publish (notices), and the documents to print (documents)."""


def init_app(app):
    from views.portal import account, documents, entry_filing, notices, wizard

    account.init_app(app)
    wizard.init_app(app)
    entry_filing.init_app(app)
    notices.init_app(app)
    documents.init_app(app)

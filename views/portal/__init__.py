"""The accountant portal (/portal): account pages (account), the collection wizard (wizard), entry
filings (entry_filing), what the province and its bureaus publish (notices), the documents to print (documents),
one's own credit records (credit), and the archive's transfer to another province (transfer)."""


def init_app(app):
    from views.portal import account, credit, documents, entry_filing, notices, transfer, wizard

    account.init_app(app)
    wizard.init_app(app)
    entry_filing.init_app(app)
    notices.init_app(app)
    documents.init_app(app)
    credit.init_app(app)
    transfer.init_app(app)

"""What the province and its bureaus publish for accountants, kept in the console (issue 17): notices, guides,
FAQ and contact channels (notices), their attachments (files), and the bureaus' contacts imported in bulk
(contacts)."""

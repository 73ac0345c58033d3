"""The web layer: sessions, the accountant portal, the staff console (Flask-Admin), stored files, public pages
and error pages. Views stay thin: the rules they apply are the domain's, in console."""

"""The console (Flask-Admin, under /console) and the public pages."""

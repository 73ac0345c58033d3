"""The platform pieces every area uses: database, clock, storage, notifier, audit log, images, working days, captcha, dictionaries."""

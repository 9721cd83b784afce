"""Messages to customers: rendered from templates in Dutch and English, sent by e-mail and SMS."""

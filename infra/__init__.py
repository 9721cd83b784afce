"""Infrastructure: the topology declaration (plain data) and the CDK app that deploys it."""

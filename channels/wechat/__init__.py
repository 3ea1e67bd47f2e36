"""The WeChat Official Account bridge (docs/wechat.md): WeChat's callbacks in, Bot API updates out.

Built so far: the message crypto, reading callbacks and mapping them to updates, the callback
server, the bridge's tables and its settings. The outbound side (customer-service, menu and
template messages, quotas) comes next.
"""

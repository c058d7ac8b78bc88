"""Every string a user sees. zh-CN is the only locale for now; handlers import `zh` as the catalogue."""

from messages import zh_cn as zh

__all__ = ["zh"]

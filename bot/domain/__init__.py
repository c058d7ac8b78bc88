"""The domain: outlines, answers and the walk, reports and evidence, people and access, the campaign,
oversight. No telegram and no aiohttp here (tests/unit/test_architecture.py)."""

"""Learning to rank from outcomes: features, the learned re-ranker, propensities, training, evaluation.

Pure Python, numpy and LightGBM; the database side (impressions joined to outcomes) is
`services/matching/impressions/dataset.py`. docs/ranking.md, "Learning from outcomes".
"""

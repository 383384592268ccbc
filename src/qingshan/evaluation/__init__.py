"""qingshan.evaluation"""

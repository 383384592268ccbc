"""qingshan.governance"""

"""qingshan.accounts"""

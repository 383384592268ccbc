"""qingshan.compensation"""

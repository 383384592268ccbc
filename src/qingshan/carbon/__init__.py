"""qingshan.carbon"""

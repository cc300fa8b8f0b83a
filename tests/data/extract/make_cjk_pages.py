"""Writes the CJK fixture pages in their legacy encodings (run from this folder).

The pages are test inputs written for factcheck, not copies of real sites. They are kept here in
UTF-8 source form so a person can read and edit them; the encoded .html files are what the tests
read. Each page holds a character its declared label lacks, as real pages do: "喆" is GBK but
not GB2312, "髙" and "①" are Windows-31J (cp932) but not Shift_JIS.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).parent

ZH_GBK = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="gb2312">
<title>星河机器人宣布新任首席科学家 创始人转任顾问_科技频道_示例新闻网</title>
<meta name="author" content="李明喆">
<meta property="article:published_time" content="2024-08-05T09:30:00+08:00">
</head>
<body>
<div class="top-nav"><a href="/">首页</a> | <a href="/tech">科技</a> |
<a href="/finance">财经</a></div>
<div class="cookie-notice">本网站使用cookie以改善您的浏览体验。
继续浏览即表示您同意我们的Cookie政策。<a href="#">接受所有</a></div>
<div class="main">
<div class="article">
<h1>星河机器人宣布新任首席科学家 创始人转任顾问</h1>
<div class="info">2024年08月05日 09:30　来源：示例新闻网　作者：李明喆</div>
<div class="content">
<p>星河机器人公司8月5日宣布，应用研究负责人王嘉怡将出任首席科学家，接替联合创始人陈志远。\
陈志远将退出日常管理工作，继续担任董事会成员和研究顾问。</p>
<p>公司在声明中表示，两周前刚刚完成一轮4.6亿美元的融资，投后估值约为52亿美元。\
本轮融资由两家养老基金领投，一家物流集团跟投。</p>
<p>陈志远在发给员工的内部信中写道：“嘉怡带领的团队做出了我们最引以为傲的每一个模型。\
现在是我把实验室交出去、把更多时间留给安全研究的合适时机。”</p>
<p>王嘉怡2019年从一所大学的机器人实验室加入星河机器人。在她的带领下，应用研究团队从14人增长到约120人，\
公司的仓储分拣系统也从单一试点扩展到31个配送中心。</p>
<p>公司拒绝透露是否还有其他高管将离职。两名要求匿名的前员工称，部分研究人员对公司停止公开小型模型权重的计划感到不满。</p>
</div>
<div class="related"><h3>相关阅读</h3><ul><li><a href="/a">机器人创业公司上半年融资创新高</a></li>
<li><a href="/b">芯片短缺对中小买家有所缓解</a></li></ul></div>
</div>
</div>
<div class="footer">版权所有 2024 示例新闻网</div>
</body>
</html>
"""

ZH_BIG5 = """<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=big5">
<title>星河機器人宣布新任首席科學家 - 範例日報</title>
</head>
<body>
<div id="nav"><a href="/">首頁</a> <a href="/tech">科技</a> <a href="/world">國際</a></div>
<div id="article">
<h1>星河機器人宣布新任首席科學家　創辦人轉任顧問</h1>
<p class="date">2024年8月5日</p>
<p>星河機器人公司週一宣布，應用研究負責人王嘉怡將出任首席科學家，接替共同創辦人陳志遠。\
陳志遠將退出日常管理工作，繼續擔任董事會成員與研究顧問。</p>
<p>公司在聲明中表示，兩週前剛完成一輪4.6億美元的融資，投後估值約為52億美元。</p>
<p>王嘉怡2019年自一所大學的機器人實驗室加入公司。在她的帶領下，應用研究團隊由14人成長至約120人，\
倉儲揀貨系統也從單一試點擴展到31個配送中心。</p>
</div>
<div id="footer">範例日報 版權所有</div>
</body>
</html>
"""

JA_SJIS = """<!DOCTYPE html>
<html lang="ja">
<head>
<meta charset="Shift_JIS">
<title>星河ロボティクス、新しい最高科学責任者を任命 | サンプル経済新聞</title>
</head>
<body>
<header><nav><a href="/">トップ</a> <a href="/tech">テクノロジー</a>
<a href="/market">マーケット</a></nav></header>
<main>
<article>
<h1>星河ロボティクス、新しい最高科学責任者を任命　創業者は顧問に</h1>
<p>星河ロボティクスは８月５日、応用研究部門を率いる王嘉怡氏が最高科学責任者に就任すると発表した。\
共同創業者の陳志遠氏は日常業務から退き、取締役と研究顧問を続ける。</p>
<p>同社は２週間前に４億６０００万ドルの資金調達を完了しており、企業価値は約５２億ドルと評価された。\
髙橋氏ら外部の専門家は、研究体制の継続性が課題になると指摘している。</p>
<p>発表によると、①安全性評価の公開、②小型モデルの重みの扱いの見直し、の２点を新体制の優先課題とする。</p>
</article>
<aside class="ranking"><h2>アクセスランキング</h2><ol><li><a href="/1">半導体不足が緩和</a></li>
<li><a href="/2">物流ロボット市場が拡大</a></li></ol></aside>
</main>
<footer>Copyright サンプル経済新聞</footer>
</body>
</html>
"""

PAGES = {
    "zh_gb2312_label.html": (ZH_GBK, "gbk"),
    "zh_big5.html": (ZH_BIG5, "big5"),
    "ja_shift_jis.html": (JA_SJIS, "cp932"),
}


def main() -> None:
    for name, (text, codec) in PAGES.items():
        (HERE / name).write_bytes(text.encode(codec))


if __name__ == "__main__":
    main()

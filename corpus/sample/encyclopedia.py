"""Write the sample encyclopedia: a second source for the quickstart, as JSON Lines.

Short encyclopedia-style articles the project wrote for its sample (not taken from any
wiki), one JSON object per line with `id`, `title` and `text` (paragraphs separated by
a blank line), the shape the `jsonl` reader reads. The bytes depend only on ARTICLES.

    python -m corpus.sample.encyclopedia [PATH]    # default: corpus/sample/encyclopedia.jsonl
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

DEFAULT_PATH = Path(__file__).with_name("encyclopedia.jsonl")

ARTICLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "路面電車",
        (
            "路面電車は、道路の上に敷かれた線路を走る電車である。停留所の間隔が短く、"
            "段差の少ない車両を使う路線が多いため、高齢者や子ども連れでも乗り降りしやすい。",
            "日本では二十世紀の半ばまで多くの都市で走っていたが、自動車の増加とともに廃止が"
            "進んだ。現在も走っている路線では、低床車両の導入や、鉄道線との直通運転など、"
            "使いやすくするための工夫が続けられている。",
            "近年は、中心市街地のにぎわいを取り戻す手段として、新しく路線を計画する都市もある。",
        ),
    ),
    (
        "味噌",
        (
            "味噌は、大豆に麹と塩を加えて発酵させた調味料である。麹の種類によって米味噌、"
            "麦味噌、豆味噌に分けられ、地域ごとに色や香り、塩気の強さが異なる。",
            "仕込んでから食べられるようになるまでの期間は、数か月から数年とさまざまである。"
            "熟成が進むほど色は濃くなり、味わいも深くなるとされる。",
            "味噌汁のほか、和え物や焼き物、鍋料理の味付けにも広く使われている。",
        ),
    ),
    (
        "渡り鳥",
        (
            "渡り鳥は、季節によって繁殖地と越冬地の間を移動する鳥のことである。日本では、"
            "春に南から来て夏を過ごす鳥を夏鳥、秋に北から来て冬を越す鳥を冬鳥と呼ぶ。",
            "長い距離を迷わずに飛ぶしくみについては、太陽や星の位置、地磁気、地形などを"
            "手がかりにしていると考えられているが、まだ分かっていないことも多い。",
            "干潟や湖沼は、渡りの途中で羽を休め、餌をとる場所として大切な役割を果たしている。",
        ),
    ),
    (
        "活版印刷",
        (
            "活版印刷は、一文字ずつ作った活字を組み合わせて版を作り、インクをつけて紙に"
            "写す印刷方法である。同じ活字を何度も組み直して使えるのが特徴である。",
            "日本語の文章を組むには、ひらがな、カタカナ、漢字、約物など数千種類の活字が必要で、"
            "文選と呼ばれる作業で原稿に合わせて一本ずつ拾い出していた。",
            "写真植字やコンピューターによる組版が広まってからは、活版印刷は主に名刺や"
            "招待状、工芸的な作品の制作に用いられている。",
        ),
    ),
    (
        "雪まつり",
        (
            "雪まつりは、冬に雪や氷を使った像や建物を作って展示する催しである。雪の多い"
            "地域では、長い冬を楽しむ行事として各地で開かれている。",
            "大きな雪像を作るには、雪を型枠に詰めて固め、数日かけて削り出していく。"
            "気温が上がると形が崩れるため、会期中も手入れが欠かせない。",
            "夜には照明で雪像が照らされ、昼間とは違った景色を楽しむことができる。",
        ),
    ),
    (
        "図書館",
        (
            "図書館は、本や雑誌、新聞などの資料を集めて整理し、人々が利用できるようにする"
            "施設である。資料を貸し出すだけでなく、調べものの相談に応じる仕事も担っている。",
            "資料は分類記号に従って書架に並べられており、同じ主題の本が近くに集まるように"
            "なっている。蔵書の目録は、館内の端末やインターネットで検索できることが多い。",
            "近年は、電子書籍の貸し出しや、地域の古い記録を保存して公開する取り組みも進んでいる。",
        ),
    ),
    (
        "潮の満ち引き",
        (
            "潮の満ち引きは、海面の高さが一日におよそ二回ずつ上がったり下がったりする現象で"
            "ある。主に月の引力と、地球と月が互いの周りを回ることで生じる力によって起こる。",
            "満月や新月のころは太陽と月の力が重なって干満の差が大きくなり、これを大潮と"
            "いう。半月のころは差が小さく、小潮と呼ばれる。",
            "潮の時刻と高さは前もって計算できるため、漁業や港の運営、潮干狩りの計画に"
            "役立てられている。",
        ),
    ),
    (
        "そろばん",
        (
            "そろばんは、枠の中に並んだ珠を指で動かして計算する道具である。日本で広く"
            "使われているものは、一本の軸に上の珠が一つ、下の珠が四つ付いている。",
            "珠の位置で数を表すため、慣れると頭の中に珠を思い浮かべるだけで計算できるように"
            "なる。これを暗算に生かす練習も行われている。",
            "電卓が普及した現在でも、数の感覚や集中力を養うための習い事として親しまれている。",
        ),
    ),
)


def records() -> list[dict[str, str]]:
    """One JSON-ready record per article: `id`, `title`, `text`."""
    return [
        {"id": f"encyclopedia:{number}", "title": title, "text": "\n\n".join(paragraphs)}
        for number, (title, paragraphs) in enumerate(ARTICLES, 1)
    ]


def build_sample_jsonl(path: str | Path) -> None:
    """Write the sample encyclopedia (UTF-8 JSON Lines, keys sorted) to `path`."""
    lines = (json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in records())
    Path(path).write_text("".join(lines), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", nargs="?", default=str(DEFAULT_PATH))
    build_sample_jsonl(parser.parse_args().path)


if __name__ == "__main__":
    main()

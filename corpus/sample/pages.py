"""The pages of the sample WARC: every text here was written for this project.

Each `Page` is one HTTP response; build.py wraps it in request, response and metadata
records. The sites, people, products and phone numbers are invented; hosts live under
the reserved example domains.

Hosts below drop "www." and their example.jp / .com / .cn / .kr suffix; kawabe = the
Kawabe Shimbun site (www.kawabe-shimbun.example.jp).

| #  | where                                  | HTTP | lang | charset     | for                    |
|----|----------------------------------------|------|------|-------------|------------------------|
| 1  | kawabe / (http)                        | 301  |      | ascii       | redirect to https      |
| 2  | kawabe /news/…/natsumatsuri.html       | 200  | ja   | UTF-8       | news, site template    |
| 3  | kawabe /news/…/idou-toshokan.html      | 200  | ja   | UTF-8       | news with a table      |
| 4  | kawabe /news/…/community-bus.html      | 200  | ja   | UTF-8       | near-dup: original     |
| 5  | kawabe /news/…/road-closure.html       | 200  | ja   | UTF-8       | short news, big chrome |
| 6  | kawabe …/community-bus.html?mode=print | 200  | ja   | UTF-8       | near-dup: 1st edition  |
| 7  | sp.kawabe-shimbun …/community-bus.html | 200  | ja   | UTF-8       | near-dup: mobile site  |
| 8  | news-archive /kawabe/…/community-bus…  | 200  | ja   | UTF-8       | byte-exact copy of 4   |
| 9  | kawabe /news/2024/04/01/old-article…   | 404  | ja   | UTF-8       | 404, site template     |
| 10 | kawabe /api/latest.json                | 200  | ja   | UTF-8       | JSON, not HTML         |
| 11 | kawabe /assets/img/logo.png            | 200  |      | binary      | PNG image              |
| 12 | kitchen-memo /recipe/鯖の味噌煮/       | 200  | ja   | UTF-8       | X-Crawler-Content-Enc. |
| 13 | www2.tabinikki /~nonbiri/diary/12.html | 200  | ja   | EUC-JP      | diary in `<br>` lines  |
| 14 | kaden-review /review/kt-08.html        | 200  | ja   | cp932       | ① ～, HTTP: Shift_JIS  |
| 15 | kurashi-howto /bicycle/puncture-…      | 200  | ja   | UTF-8       | Content-Encoding: gzip |
| 16 | kawabe-kyodoshi /note/07.html          | 200  | ja   | ISO-2022-JP | history; modified 1998 |
| 17 | minato-seimitsu /news/…/0520.html      | 200  | ja   | Shift_JIS   | charset in meta only   |
| 18 | veranda-garden /2024/05/minitomato/    | 200  | ja   | UTF-8       | HTTP says ISO-8859-1   |
| 19 | medaka /kaikata.html                   | 200  | ja   | Shift_JIS   | no charset anywhere    |
| 20 | dokusho-note /entry/2024/05/18/…       | 200  | ja   | UTF-8       | no Content-Type header |
| 21 | link-navi /sougo/                      | 200  | ja   | UTF-8       | low: link farm         |
| 22 | gekiyasu-brand /                       | 200  | ja   | UTF-8       | low: keyword spam      |
| 23 | hanako-diary /                         | 200  | ja   | UTF-8       | low: one sentence      |
| 24 | greenway-garden /blog/…                | 200  | en   | UTF-8       | English blog post      |
| 25 | news.riverbend /2024/05/…              | 200  | en   | UTF-8       | English news           |
| 26 | lvxing-biji /hangzhou-xihu.html        | 200  | zh   | UTF-8       | Chinese travel note    |
| 27 | blog.jeju-gil /olle-walk               | 200  | ko   | UTF-8       | Korean essay           |

"low" pages are ones a quality filter should remove. Pages 2-5, 8 and 9 share the whole
Kawabe Shimbun template and 7 repeats its notice and rights paragraphs: text that
paragraph-frequency dedup should find. Pages 4, 6, 7 and 8 carry one article: 6 is an
earlier edition without one sentence, 7 a next-day update with one more, 8 a copy of 4.
"""

from __future__ import annotations

import json
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from urllib.parse import quote


@dataclass(frozen=True, slots=True)
class Page:
    """One HTTP response; build.py adds the Date and Content-Length headers.

    `body` is text written out in `encoding`, or the bytes of a binary response. `lang`
    is the language of its text ("" if none). `article` is the prose the page carries,
    paragraphs separated by blank lines, each verbatim in the body ("" if none).
    """

    url: str
    headers: tuple[tuple[str, str], ...]
    body: str | bytes
    ip: str
    encoding: str = "utf-8"
    status: int = 200
    lang: str = ""
    article: str = ""

    @property
    def payload(self) -> bytes:
        """The body as the server sent it."""
        if isinstance(self.body, bytes):
            return self.body
        return self.body.encode(self.encoding)


def paragraphs(prose: str) -> list[str]:
    """The paragraphs of a prose constant (separated by blank lines)."""
    return prose.split("\n\n")


def p_tags(prose: str) -> str:
    return "\n".join(f"<p>{escape(p, quote=False)}</p>" for p in paragraphs(prose))


def table(caption: str, head: tuple[str, ...], rows: tuple[tuple[str, ...], ...]) -> str:
    lines = [f'<table class="data">\n<caption>{caption}</caption>']
    lines.append("<tr>" + "".join(f"<th>{cell}</th>" for cell in head) + "</tr>")
    lines.extend("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    lines.append("</table>")
    return "\n".join(lines)


def link_list(links: tuple[tuple[str, str], ...], css_class: str = "") -> str:
    attr = f' class="{css_class}"' if css_class else ""
    items = "\n".join(f'<li><a href="{href}">{text}</a></li>' for href, text in links)
    return f"<ul{attr}>\n{items}\n</ul>"


# ---------------------------------------------------------------------------
# Japanese prose. A blank line separates paragraphs; a line ending in a backslash
# continues the same paragraph (Python joins the lines), which keeps lines short.
# ---------------------------------------------------------------------------

MATSURI = """\
川辺市中央商店街振興組合は15日、新型コロナウイルスの影響で中止が続いていた「かわべ夏まつり」\
を、今年7月に5年ぶりに開催すると発表した。会場は例年どおり駅前通りから市役所前広場までの約600メ\
ートルで、27日と28日の2日間、午後4時から9時まで歩行者天国となる。

祭りは1978年に商店街の売り出し行事として始まり、最盛期には2日間で約8万人が訪れた。\
2019年を最後に途絶えていたが、昨年秋に組合の若手を中心とした実行委員会が発足し、\
再開に向けて準備を進めてきた。実行委員長を務める青果店経営の森田健一さん（42）\
は「子どものころ、夜店の明かりを見るのが一年で一番の楽しみだった。同じ景色を今の子どもたちにも\
見せたい」と話す。

今回は従来の夜店や盆踊りに加え、市内の高校生が企画した「光の川」と題する催しを初めて行う。\
和紙で作った灯籠約500個を通り沿いの水路に並べ、日没後に一斉に明かりをともす。\
灯籠の絵付けには市内の小学生にも参加してもらう予定で、6月中に各校で作業会を開く。

一方で、人手の確保が課題になっている。実行委員会によると、会場整理やごみの分別案内などに必要な\
ボランティアは2日間で延べ約300人。現時点で集まっているのはその半分ほどだという。\
ボランティアは高校生以上が対象で、6月20日まで商店街事務所で受け付けている。

会場周辺では交通規制も行われる。期間中は駅前通りへの車の乗り入れができなくなるため、\
実行委員会は公共交通機関を使って来場するよう呼びかけている。市役所の駐車場は臨時の駐輪場として\
開放し、会場内には救護所と迷子の案内所を2か所ずつ設ける。

組合は開催費用の一部をまかなうため、インターネットを通じた寄付の募集も始めた。\
目標額は150万円で、返礼として祭りの記念手ぬぐいや協賛店で使える買い物券を用意している。\
問い合わせは同組合事務所（電話0000-12-3456）へ。"""

LIBRARY_BUS = """\
川辺市立図書館は、市内の山間部や郊外の団地を回る移動図書館車「ひばり号」\
を新しい車両に入れ替え、20日から運行を始めた。先代の車両は2003年から21年間使われ、\
走行距離は約38万キロに達していた。

新しい車両は約3000冊を積むことができ、先代より500冊ほど多い。車いすの利用者も乗り降りしやすいよ\
う、後部に昇降機を備えた。車内には冷暖房があり、夏場でも落ち着いて本を選べるようになった。\
購入費約2800万円のうち、半分ほどは国の補助金を充てた。

巡回先はこれまでの18か所から23か所に増える。新たに加わるのは、昨年路線バスが廃止された北部の三\
つの集落と、高齢者施設二か所。各巡回先には2週間に1度、40分から1時間ほど停車する。\
利用者カードがあれば、図書館本館の本を予約して車で受け取ることもできる。

20日の出発式では、運転を担当する職員に市内の保育園児が花束を手渡した。\
初日に訪れた北部の上野地区では、開始前から10人ほどが列を作った。週に一度の買い物以外はほとんど\
外出しないという80代の女性は「字の大きな時代小説をまとめて借りられるのがありがたい。\
次に来る日を楽しみに待つ」と笑顔を見せた。

車両の愛称「ひばり号」は先代から引き継いだ。市内の小学生から新しい名前を募ったところ、\
寄せられた約400件のうち3割近くが、これまでどおりの名前を望む内容だったという。車体には、\
市内の高校の美術部員が描いた、本を抱えて空を飛ぶひばりのイラストがあしらわれている。

図書館によると、移動図書館の昨年度の貸出冊数は約2万1000冊で、利用者の6割以上を65歳以上が占める\
。館長の佐々木陽子さんは「本を届けることは、地域の人と顔を合わせる機会にもなる。\
困りごとを聞いたら関係する窓口につなぐなど、見守りの役割も果たしていきたい」と話している。"""

ROAD_CLOSURE = """\
川辺市は、市道川辺・上野線の一部区間で6月3日から8月9日まで、道路の拡幅工事のため全面通行止めに\
すると発表した。対象は上野橋から北へ約400メートルの区間で、工事は平日の午前8時半から午後5時まで\
行う。

期間中は県道を経由する迂回路を案内する。路線バスは通常どおり運行するが、\
一部の停留所が仮設の場所に移る。市道路課は「ご不便をおかけするが、安全な通学路を整えるための工\
事なのでご理解をお願いしたい」としている。"""

# The near-duplicate group: one article in three editions (see the pages below).
COMMUNITY_BUS = """\
川辺市は10日、市が運行するコミュニティーバス「かわべ号」の路線を10月1日から見直すと発表した。\
市民病院と川辺駅を結ぶ直通便を新設し、これまで乗り換えが必要だった南部地区からの通院の負担を軽\
くする。

新ルートでは、南部の住宅地を出たバスが市民病院を経由して川辺駅まで約25分で走る。\
平日は1日8往復、土曜日は5往復で、運賃は現行と同じ1回100円に据え置く。一方、\
利用者が1日平均10人に満たなかった西部循環線は廃止し、予約に応じて運行する乗り合いタクシーに切り\
替える。

かわべ号は2009年に運行を始め、現在は4路線で1日あたり約650人が利用している。ただ、\
路線の多くは運行開始当時の利用状況をもとに決められており、市民病院が2018年に現在の場所へ移転し\
た後も、大きな見直しは行われていなかった。

市が昨年行った利用者アンケートでは、回答した約1200人のうち4割近くが「病院に行くのに乗り換えが不\
便」と答えていた。市交通政策課は「高齢の方が一人でも通院できる環境を整えたい。\
乗り合いタクシーも使ってもらえるよう、地区ごとに説明会を開く」としている。

乗り合いタクシーは、利用日の前日までに電話で予約すれば、西部地区の自宅前から指定の停留所や商業\
施設まで運行する。運賃は1回300円で、75歳以上の人と障害者手帳を持つ人は半額になる。

説明会は7月から9月にかけて市内12か所で開く予定で、日程は決まり次第、市のホームページで知らせる。"""

COMMUNITY_BUS_FIRST_EDITION = COMMUNITY_BUS.replace(
    "平日は1日8往復、土曜日は5往復で、運賃は現行と同じ1回100円に据え置く。", ""
)

COMMUNITY_BUS_UPDATED = (
    COMMUNITY_BUS
    + "\n\n（11日追記）市によると、西部循環線の最終運行日は9月30日となる。"
    + "乗り合いタクシーの予約は、8月から市役所の交通政策課で受け付ける。"
)

SABA_MISONI = """\
魚の煮付けは難しそう、と思われがちですが、鯖の味噌煮は手順さえ押さえれば20分ほどで作れる家庭料\
理です。今回は、煮汁が焦げにくく、身がふっくら仕上がる作り方を紹介します。

ポイントは二つあります。一つ目は、煮る前に鯖に熱湯をかける「霜降り」をすること。\
表面のぬめりや血合いの臭みが取れ、味噌の香りがすっきりと立ちます。二つ目は、\
味噌を最初から全部入れず、半分は仕上げに溶き入れることです。長く煮ると味噌の風味が飛んでしまう\
ので、後から加えることで香りよく仕上がります。

煮汁は煮詰めすぎると塩辛くなるので、フライパンの底にへらで線が引ける程度のとろみになったら火を\
止めましょう。冷めるときに味がしみ込むので、食べる少し前に作っておくのもおすすめです。

味噌は家にあるもので構いませんが、赤味噌を少し混ぜるとコクが出て、色も濃くきれいに仕上がります\
。残った煮汁は、ゆで卵や下ゆでした大根を漬けておくと、翌日のもう一品になります。

鯖を選ぶときは、切り口の身が透き通っていて、皮に張りとつやがあるものを選びましょう。\
パックの底に赤い汁がたまっているものは、時間がたっていることが多いので避けたほうが無難です。\
すぐに使わない場合は、塩を軽く振って水気をふき、一切れずつラップで包んで冷凍しておくと、\
2週間ほど保存できます。

付け合わせには、同じ煮汁で煮たねぎのほか、ゆでたほうれん草やさやいんげんもよく合います。\
ご飯と汁物、青菜のおひたしを添えれば、落ち着いた和食の献立になります。"""

SABA_INGREDIENTS = (
    "鯖（切り身）　2切れ",
    "しょうが　1かけ",
    "水　150ml",
    "酒　50ml",
    "砂糖　大さじ1と1/2",
    "みりん　大さじ1",
    "味噌　大さじ2",
    "長ねぎ　1/2本",
)

SABA_STEPS = (
    "鯖は皮に浅く切り目を入れ、ざるにのせて熱湯を回しかける。すぐに冷水に取り、"
    "残ったうろこや血合いを指でやさしく洗い流す。",
    "しょうがは皮ごと薄切りにする。長ねぎは4センチの長さに切る。",
    "フライパンに水、酒、砂糖、みりん、しょうがを入れて中火にかけ、煮立ったら味噌大さじ1を溶き入れる。",
    "鯖を皮を上にして並べ、長ねぎも加える。アルミホイルで落としぶたをして、弱めの中火で10分ほど煮る。",
    "落としぶたを外し、残りの味噌を煮汁で溶いて加える。スプーンで煮汁を回しかけながら、"
    "とろみがつくまで3〜4分煮詰めたら完成。",
)

SHIMANAMI_DIARY = """\
朝六時に目が覚めた。宿の窓を開けると、向かいの島の上に薄い雲がかかっていて、\
海は鏡のように静かだった。今日は大三島から今治まで、橋を三つ渡るおよそ四十キロの行程だ。\
宿のおかみさんが持たせてくれたおにぎりを荷台にくくりつけ、七時過ぎに出発した。

島の道は思っていたよりも起伏が多い。海沿いの平らな道が続いたかと思うと、\
急に峠のような坂が現れる。橋へ上がるための取り付け道路は、どこもゆるやかなつづら折りになってい\
て、変速を一番軽くすれば何とか足をつかずに登り切れた。

大三島橋へ向かう途中、みかん畑の間を抜ける細い道に入った。斜面一面の木々には白い小さな花が咲い\
ていて、あたりには甘い香りが漂っている。畑で作業をしていたおじいさんに道を尋ねると、\
わざわざ手を止めて、橋への近道を教えてくれた。「秋に来たら、このへんは全部だいだい色になるよ」\
。その景色もいつか見てみたいと思った。

伯方島に入ったところで、道の駅の前にある小さな店で塩味のソフトクリームを食べた。\
甘さの後にほんのり塩気が残る、不思議な味だった。店の人によると、この島では昔から浜で塩を作って\
いて、今でも当時のやり方を伝える施設があるらしい。時間があれば寄りたかったが、\
先を急ぐことにした。

大島の峠道の途中にある休憩所で、同じように荷物を積んだ自転車の男性と一緒になった。聞けば、\
定年を機に日本一周を始めて、今日で四十日目になるという。日焼けした顔で「急がない旅がいちばん楽\
しいですよ」と笑い、先に出発していった。その背中を見送りながら、自分ももう少しのんびり行こうと\
思い直した。

昼過ぎ、いよいよ最後の来島海峡大橋にさしかかった。三つの吊り橋が連なる長い橋で、\
渡り終えるまでに二十分ほどかかる。橋の上は風が強く、ハンドルを取られないよう必死だったが、\
ふと下を見ると、潮の流れが渦を巻きながら白く泡立っていた。大きな貨物船がその流れの中をゆっくり\
と進んでいく。思わず自転車を止めて、しばらく見入ってしまった。

今治の駅前に着いたのは午後三時。走った距離は四十三キロ、この二日間で合わせて八十キロ近くになっ\
た。足は棒のようだが、不思議と気分は晴れやかだ。夜は駅近くの食堂で焼き鳥を食べた。\
この町の焼き鳥は串に刺さず、鉄板の上で重しをのせて焼くのだという。香ばしい皮の味をかみしめなが\
ら、明日はゆっくり休もうと決めた。"""

# Written to need cp932: ① to ③ and the full-width tilde are not in strict Shift_JIS.
KETTLE_REVIEW = """\
一人暮らしを始めたときに買った電気ケトルが壊れたので、買い替えることにしました。\
候補をいくつか比べた結果、選んだのはミナト電機の「KT-08」です。価格は3,980円～4,500円ほどで、\
このクラスとしては標準的。毎日使って3か月がたったので、よかった点と気になった点をまとめます。

よかった点は次の三つです。

①湯が沸くのが速い。カップ1杯分（約140ml）なら1分もかかりません。朝の忙しい時間には本当に助かり\
ます。

②注ぎ口が細く、湯を少しずつ注げる。ドリップコーヒーをいれるときも、湯量を調整しやすいです。

③本体の外側が熱くなりにくい。二重構造になっているため、沸かした直後に触ってもほんのり温かい程度\
でした。

一方で、気になった点もあります。まず、ふたの開け閉めが少し固いこと。\
片手で押すとケトルごと傾いてしまうので、慣れるまでは両手で扱っていました。また、\
水量の目盛りが内側にしかないため、水を入れながら量を確かめにくいのも残念です。

沸騰するときの音も、人によっては気になるかもしれません。沸く少し前に「ゴー」\
という音がしばらく続き、夜遅くに使うと静かな部屋ではそれなりに響きます。

手入れについても触れておきます。水道水を沸かしていると、内側の底に白い水あかが少しずつ付いてき\
ます。月に一度、クエン酸を溶かした水を入れて沸かし、一時間ほど置いてからすすぐと、\
きれいに落とせました。内側は継ぎ目の少ない作りなので、洗うのもそれほど手間ではありません。

総合すると、湯を沸かすという基本の性能は十分で、コーヒーや紅茶をよく飲む人には使いやすい一台だ\
と思います。逆に、保温機能や温度調節がほしい人は、もう少し上の価格帯の製品を選んだほうが満足で\
きるでしょう。"""

PUNCTURE_REPAIR = """\
自転車のタイヤがパンクしたとき、自分で直せると修理代も時間も節約できます。必要な道具は、\
ホームセンターや百円ショップでそろうものばかりです。ここでは、一般的な通学用自転車の前輪を例に\
、チューブの穴をふさぐ方法を説明します。

作業を始める前に、本当にパンクかどうかを確かめましょう。空気を入れても一晩で抜けてしまう場合で\
も、バルブの中にある虫ゴムという小さなゴム管が劣化しているだけかもしれません。\
虫ゴムの交換なら、部品代は数十円、作業は数分で済みます。

次に、タイヤからチューブを取り出します。バルブのナットを外して空気を抜き、\
タイヤレバーをタイヤとリムの間に差し込んで、てこの要領でタイヤの縁を外側に引き出します。\
一本目のレバーをスポークに引っ掛けて固定し、10センチほど離れた場所に二本目を差し込むと、\
残りは手でも外せるようになります。

チューブを取り出したら、少し空気を入れて、水を張ったバケツに沈めます。\
小さな泡が続けて出てくるところが穴です。見つけたら水気をふき取り、油性ペンで印をつけておくと、\
後の作業で迷いません。

穴の周りを紙やすりで軽くこすり、ゴムのりを薄く塗ります。のりが指に付かない程度まで乾いたらパッ\
チを貼り、タイヤレバーの柄などで強く押し付けて、間の空気を抜きます。\
のりが乾く前に貼ってしまうと、すぐにはがれる原因になるので、ここは急がないことが大切です。

チューブをタイヤに戻すときは、チューブがねじれていないか、タイヤとリムの間に挟まっていないかを\
確かめながら進めます。空気を入れて一晩置き、抜けていなければ修理は完了です。\
タイヤの溝がすり減っていたり、同じ場所で何度もパンクしたりする場合は、\
タイヤそのものの交換を考えましょう。"""

PUNCTURE_TOOLS = (
    ("タイヤレバー", "2～3本", "300円前後"),
    ("パンク修理キット（パッチとゴムのり）", "1組", "400円前後"),
    ("紙やすり", "1枚", "100円"),
    ("空気入れ", "1台", "1,500円前後"),
    ("バケツ", "1個", "家にあるもの"),
)

MEGANE_BASHI = """\
川辺の町の東を流れる小田川には、二つのアーチを持つ石造りの橋が架かっている。\
地元では昔から「めがね橋」と呼ばれ、川面に映った姿が眼鏡のように見えることからその名が付いたと\
いう。今回は、この橋が架けられたいきさつを、町に残る古い記録からたどってみたい。

記録によれば、橋が完成したのは明治十二年（一八七九年）の秋である。それまでこの場所には木の橋が\
あったが、大水のたびに流され、そのつど村人が総出で架け直していた。特に明治九年の洪水では、\
橋が流されたうえに渡し舟も出せない日が十日以上続き、対岸の田畑に通えなくなった農家が大きな損害\
を受けたと伝えられている。

そこで、村の庄屋だった田村家の当主が中心となり、流されない石の橋を架けようという話がまとまった\
。費用の多くは村人の寄付でまかなわれ、足りない分は田村家が田畑の一部を売って補ったという。\
石工は肥後から招かれた職人で、村の若者たちが石の切り出しや運搬を手伝った。\
工事には二年近くを要した。

めがね橋のアーチは、川の中ほどに据えた一本の橋脚で二つに分かれている。橋脚の上流側は、\
流れてくる木や石を左右に受け流すように、舟のへさきのようなとがった形に組まれている。\
洪水に苦しんできた村人たちの知恵が、この形に表れているといえるだろう。

完成から百年以上たった今も、めがね橋は大きな修理をすることなく使われ続けている。\
昭和の終わりごろまでは車も通っていたが、現在は歩行者専用となり、春には両岸の桜を眺めに訪れる人\
でにぎわう。橋のたもとには、工事に関わった人々の名を刻んだ石碑が建てられており、\
今でもその文字をはっきりと読むことができる。

次回は、橋の完成を祝って始まったと伝えられる「橋まつり」について調べてみるつもりである。"""

HEAD_OFFICE_MOVE = """\
平素は格別のお引き立てを賜り、厚く御礼申し上げます。このたび弊社は、業務の拡大に伴い、\
本社を下記のとおり移転することとなりましたので、お知らせいたします。

新本社は川辺駅から徒歩5分の場所にあり、これまで市内2か所に分かれていた営業部門と設計部門を一つ\
のフロアに集約いたします。部門間の連携を強めることで、お客様からのご相談やお見積りに、\
これまで以上に迅速にお応えできる体制を整えてまいります。

また、新本社の1階には、弊社製品を実際に手に取ってご覧いただけるショールームを設けます。\
ショールームは平日の午前10時から午後5時まで、どなたでもご予約なしでご来場いただけます。

新本社には来客用の駐車場を5台分ご用意しておりますが、台数に限りがございますので、\
お越しの際はできるだけ公共交通機関をご利用ください。駅からの道順は、\
弊社ホームページの「アクセス」のページでご案内しております。

移転に伴い、電話番号およびファクス番号も変更となります。旧番号は6月28日（金）まで使用でき、\
その後しばらくは新しい番号をご案内する音声が流れます。お手数をおかけいたしますが、\
ご登録情報の変更をお願い申し上げます。

なお、移転作業のため、6月29日（土）から7月1日（月）までの3日間は業務を休止させていただきます。\
期間中にいただいたお問い合わせには、7月2日（火）以降、順次お答えいたします。

今後とも一層のご愛顧を賜りますよう、よろしくお願い申し上げます。"""

MINI_TOMATO = """\
去年の春、思い立ってベランダでミニトマトを育て始めました。きっかけは、\
近所のホームセンターで苗が一つ98円で売られているのを見かけたことです。マンションの三階、\
南向きとはいえ奥行き1メートルほどの狭いベランダですが、プランター二つなら置けそうだと思い、\
苗を二本と培養土を買って帰りました。

最初の一か月は順調でした。毎朝水をやるたびに、茎が少しずつ太くなり、\
葉が増えていくのがわかります。黄色い小さな花が咲いたときは、思わず写真を撮って家族に送ってしま\
いました。

ところが、梅雨に入ったころから様子がおかしくなりました。下の方の葉が黄色くなり、\
実が割れるものも出てきたのです。調べてみると、雨の日にも水をやりすぎていたことが原因のようでし\
た。プランターは土の量が少ないので、水が多すぎると根が傷みやすいそうです。それからは、\
土の表面が乾いているのを指で確かめてから水をやるようにしました。

もう一つの失敗は、脇芽をほとんど摘まなかったことです。葉の付け根から次々に伸びてくる小さな芽を\
放っておいたら、株全体がやぶのように茂ってしまい、風通しが悪くなりました。\
実の数のわりに一つ一つが小さかったのも、養分が分散したせいかもしれません。

夏の終わりまでに収穫できたミニトマトは、二本合わせて百五十個ほど。お店で買うものより皮が少し厚\
かったものの、もぎたてをその場で食べる甘さは格別でした。

今年は、ミニトマトに加えてバジルとしそも育てています。トマトとバジルは一緒に植えると相性がよい\
と聞いたので、同じプランターに植えてみました。うまくいったら、収穫したものでサラダを作るのが今\
の小さな目標です。"""

MEDAKA = """\
メダカを飼い始めて五年になります。最初は子どもが学校からもらってきた数匹でしたが、\
今では玄関先の睡蓮鉢と水槽を合わせて三十匹ほどが泳いでいます。このページでは、\
これまでの経験から、初めての人がつまずきやすい点をまとめておきます。

まず大切なのは、水をいきなり替えすぎないことです。水道水には消毒のための塩素が含まれているので\
、バケツにくんで一日以上置いてから使います。水替えは一度に全部ではなく、\
三分の一くらいずつにすると、メダカが水の変化に驚きません。

えさのやりすぎにも注意が必要です。食べ残したえさは水を汚す原因になります。目安は、\
数分で食べきれる量を一日に一、二回。冬になって水温が下がると、メダカはほとんど動かなくなり、\
えさもあまり食べなくなります。その間は無理にえさをやらず、そっと見守るだけで大丈夫です。

夏は逆に、水温が上がりすぎないように気を配ります。直射日光が一日中当たる場所では、\
睡蓮鉢の水がお湯のようになってしまうことがあります。すだれを半分ほどかけて日陰を作るか、\
ホテイアオイなどの浮き草を浮かべておくと、水温の上昇をやわらげられます。

春から夏にかけては産卵の季節です。水草に小さな卵がついているのを見つけたら、\
別の容器に移しておきましょう。親と同じ場所に置いておくと、卵や生まれたばかりの稚魚が食べられて\
しまうことがあります。卵は水温にもよりますが、十日前後でかえります。

生き物を飼うのは手間もかかりますが、毎朝えさをやるときにメダカが集まってくる様子を見ると、\
一日が穏やかな気分で始まります。"""

LIGHTHOUSE_BOOK = """\
今月読んだ本の中で、いちばん心に残ったのが、海野しずく『灯台守の手帖』だ。北の小さな島で、\
最後の灯台守として暮らした男性の三十年を、彼が残した日誌をもとにたどるノンフィクションである。

日誌に書かれているのは、ほとんどが天気と海の様子、そして灯台の機械の点検記録だ。「北西の風、\
強し。波高三メートル。レンズ清掃」。そんな短い記述が何ページも続く。しかし著者は、\
その行間から、島の暮らしや家族とのやりとり、時代の移り変わりを丁寧に読み取っていく。

特に印象に残ったのは、灯台が自動化されることが決まった年の記述だ。いつもと同じ短い文の最後に、\
一度だけ「さみしい」という言葉が書き添えられている。著者がこの一語にたどり着くまでの章は、\
読んでいて胸が詰まった。

島の子どもたちとの交流を描いた章も忘れがたい。灯台守の一家は、島にある小さな分校の運動会に毎年\
招かれ、父親は決まって綱引きの審判を務めた。日誌には、その日だけ天気の欄の横に、\
勝った組の色が小さく書き込まれている。

文章は平易で、専門的な用語にはその都度説明がある。灯台の仕組みを描いた図も多く、\
機械に詳しくない読者でも迷わず読み進められるだろう。

著者は長く地方紙の記者を務めた人で、取材のために島へ何度も通い、灯台守の家族や元同僚からも話を\
聞いている。日誌の記述と人々の記憶を突き合わせ、食い違うところはそのまま両方を紹介する書き方に\
も、誠実さを感じた。

派手な事件が起きるわけではない。それでも、一つの仕事を長く続けることの重みが、\
静かに伝わってくる一冊だった。働き方や暮らし方について考えている人に、ぜひすすめたい。"""

# ---------------------------------------------------------------------------
# Other languages
# ---------------------------------------------------------------------------

COMMUNITY_GARDEN = """\
Last April I signed up for a plot at the Riverbend community garden, mostly because my \
apartment balcony gets about two hours of sun a day. I expected to grow a few tomatoes. I did \
not expect to learn so much from the people in the plots around mine.

The first lesson came in the second week, when I planted everything at once. My neighbor Rosa, \
who has kept the plot beside mine for eleven years, watched me water a row of lettuce in the \
midday heat and gently suggested I try again in the evening. She also pointed out that my \
beans would shade the peppers by July. She was right about both.

The second lesson was about soil. Our garden sits on an old rail yard, so every plot is a \
raised bed filled with compost from the city's yard waste program. The compost is free, but it \
settles fast: by midsummer my beds had sunk by almost three inches. The garden committee now \
holds a compost day every spring and fall, and members bring wheelbarrows to top up each \
other's beds.

The third lesson was that a garden is mostly a place to talk. I met a retired bus driver who \
grows nothing but garlic, a family who brought their grandmother's squash seeds from Oaxaca, \
and two teenagers who run a small stand at the Saturday market selling herbs. On hot evenings, \
half the gardeners stood around the water tap, trading advice and complaining about squirrels.

By October I had harvested more tomatoes than I could eat, a respectable pile of beans, and \
exactly one pepper. I have already signed up for next year. This time I am planting in stages, \
watering at dusk, and keeping the beans on the north side."""

BIKE_LANES = """\
The Riverbend City Council voted 6 to 1 on Tuesday night to build protected bike lanes along a \
1.2-mile stretch of Main Street, ending more than two years of debate over how to make the \
corridor safer for cyclists and pedestrians.

The $3.4 million project will replace one lane of car traffic in each direction with a bike \
lane separated from traffic by a low concrete curb. Construction is scheduled to begin next \
spring and take about eight months. Most of the cost will be covered by a state transportation \
grant awarded last year.

Supporters pointed to crash data showing that Main Street accounted for nearly a quarter of \
all bicycle injuries reported in the city over the past five years, despite making up a small \
fraction of its roads. "Every one of those numbers is a neighbor," said council member Dana \
Whitfield, who first proposed the lanes in 2022.

Several business owners spoke against the plan during the public comment period, which lasted \
almost three hours. They worried that losing a traffic lane and about 40 parking spaces would \
keep customers away. In response, the council added an amendment requiring the city to turn a \
vacant lot on Second Avenue into public parking before construction begins.

The only vote against the project came from council member Greg Tanaka, who said he supported \
better bike infrastructure but felt the city had not done enough to consult residents on \
nearby side streets. City staff will present a detailed construction schedule at the council's \
June meeting."""

WEST_LAKE = """\
早上六点，我从酒店出发，沿着北山街慢慢走向西湖。这个时间的湖边还很安静，只有几位老人在柳树下打\
太极拳，偶尔有人骑着自行车从身边经过。湖面上飘着一层薄薄的雾，远处的宝塔若隐若现，像一幅还没有\
画完的水墨画。

走到断桥的时候，太阳刚刚升起来。很多人是因为《白蛇传》的故事才知道这座桥的，但真正站在桥上，才\
发现它其实并不大，也并没有“断”。我在桥边找了一张长椅坐下，看着游船一艘一艘地离开码头，驶向湖心\
的小岛。

吃早饭的地方是朋友推荐的一家小店，藏在一条不起眼的小巷里。店里只卖几样东西：葱包桧、\
豆浆和小笼包。葱包桧是把油条和葱卷在薄饼里，放在铁板上压得扁扁的，再刷上一层甜面酱。\
咬下去外面酥脆，里面软糯，配上一碗热豆浆，非常满足。

吃完早饭，我沿着苏堤一路往南走。苏堤全长将近三公里，两边种满了柳树和桃树。\
如果是春天来，应该能看到桃花盛开的景色吧。虽然现在已经是初夏，但湖风吹在脸上，依然很舒服。\
这一天的行程才刚刚开始，我却已经在计划下一次再来了。"""

OLLE_WALK = """\
지난 주말, 오랜만에 제주 올레길을 걸었다. 이번에 고른 코스는 바다를 따라 이어지는 길로, 전체 \
길이는 약 15킬로미터였다. 아침 일찍 출발했더니 길에는 사람이 거의 없었고, 파도 소리와 바람 \
소리만 들렸다.

길을 걷다 보면 작은 마을을 여러 번 지나게 된다. 돌담 너머로 귤나무가 보이고, 마당에서 빨래를 \
널던 할머니가 어디서 왔느냐고 말을 걸어 주시기도 했다. 점심은 포구 근처 식당에서 성게 미역국을 \
먹었는데, 국물이 시원하고 깊은 맛이 났다.

오후가 되자 다리가 조금 아팠지만, 중간중간 쉬면서 끝까지 걸었다. 목적지에 도착해 붉게 물든 \
하늘을 보니 하루의 피로가 다 풀리는 것 같았다. 다음에는 다른 코스도 꼭 걸어 보고 싶다."""

# ---------------------------------------------------------------------------
# Site templates
# ---------------------------------------------------------------------------


def meta_charset(name: str) -> str:
    return f'<meta charset="{name}">\n'


def meta_http_equiv(name: str) -> str:
    return f'<meta http-equiv="Content-Type" content="text/html; charset={name}">\n'


KAWABE = "https://www.kawabe-shimbun.example.jp"
KAWABE_IP = "203.0.113.21"

# The Kawabe Shimbun template paragraphs, repeated verbatim on every page of the site.
KAWABE_CATCH = "川辺市と周辺地域のニュースを毎日お届けします"
KAWABE_NOTICE = (
    "【お知らせ】5月25日（土）午前2時から6時まで、システムの保守作業のため、"
    "記事の閲覧ができなくなります。ご迷惑をおかけしますが、ご理解をお願いいたします。"
)
KAWABE_RIGHTS = (
    "川辺新聞のサイトに掲載している記事・写真・図表の無断転載を禁じます。"
    "著作権は川辺新聞社または情報提供者に帰属します。"
)

KAWABE_MENU = (
    ("/", "トップ"),
    ("/news/", "ニュース"),
    ("/life/", "くらし"),
    ("/sports/", "スポーツ"),
    ("/event/", "イベント"),
    ("/opinion/", "オピニオン"),
)

KAWABE_FOOTER_MENU = (
    ("/about/", "川辺新聞について"),
    ("/privacy/", "個人情報の取り扱い"),
    ("/contact/", "お問い合わせ"),
    ("/ad/", "広告掲載のご案内"),
)

KAWABE_SIDEBAR = f"""\
<section class="sidebar-box ranking">
<h2>アクセスランキング</h2>
{
    link_list(
        (
            ("/news/2024/05/16/natsumatsuri.html", "商店街の夏祭り、5年ぶりに復活へ"),
            ("/news/2024/05/10/community-bus.html", "コミュニティーバス、10月から新ルート"),
            ("/sports/2024/05/14/ekiden.html", "川辺高、県高校駅伝で初の入賞"),
            ("/life/2024/05/09/gomi.html", "ごみの分別、7月から一部変更"),
            ("/news/2024/05/20/idou-toshokan.html", "移動図書館車、21年ぶりに更新"),
        )
    )
}
</section>
<section class="sidebar-box pr">
<h2>PR</h2>
<p><a href="https://ad.example.jp/click?id=1024">川辺駅前の学習塾、夏期講習の申し込み受付中</a></p>
</section>"""


def kawabe_page(
    title: str,
    date_line: str,
    body: str,
    *,
    sidebar: str = KAWABE_SIDEBAR,
    extra_nav: str = "",
    sitemap: str = "",
) -> str:
    """A page of the Kawabe Shimbun site (the PC layout)."""
    date = f'<p class="date">{date_line}</p>\n' if date_line else ""
    return f"""\
<!DOCTYPE html>
<html lang="ja">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}｜川辺新聞</title>
<link rel="stylesheet" href="/assets/css/site.css">
<style>
.breadcrumb li{{display:inline}}
.breadcrumb li+li:before{{content:"/";padding:0 .4em}}
.article-body p{{line-height:1.9;margin:0 0 1em}}
</style>
<script>
document.documentElement.className += " js";
</script>
</head>
<body>
<header class="header" id="header">
<div class="logo"><a href="/">
<img src="/assets/img/logo.png" alt="川辺新聞" width="16" height="8"></a></div>
<p class="header-catch">{KAWABE_CATCH}</p>
</header>
<nav class="nav global-nav">
{link_list(KAWABE_MENU, "menu")}
{extra_nav}</nav>
<div class="notice">
<p>{KAWABE_NOTICE}</p>
</div>
<ol class="breadcrumb">
<li><a href="/">トップ</a></li>
<li><a href="/news/">ニュース</a></li>
<li>{title}</li>
</ol>
<div class="container">
<main id="main">
<article class="article">
<h1>{title}</h1>
{date}<div class="article-body">
{body}
</div>
<div class="share">この記事をシェアする：<a href="/share?to=x">X</a>
<a href="/share?to=facebook">Facebook</a>
<a href="/share?to=line">LINE</a></div>
</article>
</main>
<aside class="sidebar">
{sidebar}
</aside>
</div>
<footer class="footer">
{sitemap}{link_list(KAWABE_FOOTER_MENU, "footer-menu")}
<p class="rights">{KAWABE_RIGHTS}</p>
<p class="copyright">© 2024 Kawabe Shimbun. All rights reserved.</p>
</footer>
<script src="/assets/js/main.js" defer></script>
</body>
</html>
"""


def kawabe_print_page(title: str, date_line: str, body: str, back_to: str) -> str:
    """The print view of a Kawabe Shimbun article: no menus, no sidebar."""
    return f"""\
<!DOCTYPE html>
<html lang="ja">
<head>
<meta charset="UTF-8">
<title>{title}｜川辺新聞（印刷用）</title>
<meta name="robots" content="noindex">
<style>
body{{font-family:serif;max-width:40em;margin:2em auto}}
@media print{{.no-print{{display:none}}}}
</style>
</head>
<body onload="window.print()">
<div class="header print-header"><img src="/assets/img/logo.png" alt="川辺新聞"></div>
<p class="no-print"><a href="{back_to}">通常の表示に戻る</a></p>
<h1>{title}</h1>
<p class="date">{date_line}</p>
{body}
<div class="footer"><p class="copyright">© 2024 Kawabe Shimbun. All rights reserved.</p></div>
</body>
</html>
"""


def kawabe_mobile_page(title: str, date_line: str, body: str) -> str:
    """A page of the Kawabe Shimbun smartphone site: its own menu and sidebar."""
    return f"""\
<!DOCTYPE html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}｜川辺新聞 スマホ版</title>
<style>
body{{margin:0;font-size:16px}}
.sp-header{{background:#0b3d6b;color:#fff;padding:8px}}
</style>
</head>
<body>
<header class="sp-header header"><a class="logo" href="/">川辺新聞</a>
<button class="menu-button" type="button">メニュー</button></header>
<nav class="sp-menu nav">
{link_list(KAWABE_MENU[:4], "menu")}
</nav>
<div class="notice"><p>{KAWABE_NOTICE}</p></div>
<article class="sp-article">
<h1>{title}</h1>
<p class="date">{date_line}</p>
<div class="article-body">
{body}
</div>
</article>
<section class="sp-popular sidebar">
<h2>よく読まれている記事</h2>
{
        link_list(
            (
                (
                    "/news/2024/05/20/idou-toshokan.html",
                    "移動図書館車「ひばり号」、21年ぶりに新車両",
                ),
                ("/life/2024/05/15/kosodate.html", "子育て支援センター、土曜日も開所へ"),
                ("/event/2024/05/18/bara.html", "川辺公園のバラが見頃に 約120種が咲く"),
            )
        )
    }
</section>
<footer class="footer">
<p class="rights">{KAWABE_RIGHTS}</p>
<p class="copyright">© 2024 Kawabe Shimbun</p>
<p><a href="{KAWABE}/?view=pc">PC版で見る</a></p>
</footer>
<script>
document.querySelector(".menu-button").addEventListener("click", function () {{
  document.body.classList.toggle("menu-open");
}});
</script>
</body>
</html>
"""


def blog_page(
    *,
    meta: str,
    site: str,
    tagline: str,
    menu: tuple[tuple[str, str], ...],
    title: str,
    date: str,
    iso_date: str,
    category: str,
    body: str,
    profile: str,
    recent: tuple[str, ...],
) -> str:
    """A page of a personal or small-business blog (one theme, many sites)."""
    recent_links = tuple((f"/?p={100 + i}", text) for i, text in enumerate(recent))
    return f"""\
<!DOCTYPE html>
<html lang="ja">
<head>
{meta}<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} - {site}</title>
<link rel="stylesheet" href="/wp-content/themes/plain/style.css">
<style>
.entry-content p{{margin:0 0 1.6em}}
.widget ul{{list-style:none;padding:0}}
</style>
</head>
<body class="single">
<div id="page" class="site">
<header id="masthead" class="site-header">
<p class="site-title"><a href="/">{site}</a></p>
<p class="site-description">{tagline}</p>
</header>
<nav id="site-navigation" class="main-navigation">
{link_list(menu, "menu")}
</nav>
<div class="breadcrumb pankuzu"><a href="/">ホーム</a> &gt;
<a href="/category/">{category}</a> &gt; <span>{title}</span></div>
<div id="content" class="site-content">
<main id="main" class="site-main">
<article class="post">
<header class="entry-header">
<h1 class="entry-title">{title}</h1>
<div class="entry-meta"><time datetime="{iso_date}">{date}</time></div>
</header>
<div class="entry-content">
{body}
</div>
<footer class="entry-footer">カテゴリー：<a href="/category/">{category}</a></footer>
</article>
</main>
<aside id="secondary" class="widget-area sidebar">
<section class="widget"><h2 class="widget-title">プロフィール</h2><p>{profile}</p></section>
<section class="widget"><h2 class="widget-title">最近の投稿</h2>
{link_list(recent_links)}
</section>
</aside>
</div>
<footer id="colophon" class="site-footer">
<div class="site-info">&copy; 2024 {site}</div>
</footer>
</div>
<script>
window.addEventListener("load", function () {{
  document.body.classList.add("loaded");
}});
</script>
</body>
</html>
"""


def old_homepage(
    *, meta: str, title: str, site: str, menu: tuple[tuple[str, str], ...], body: str, footer: str
) -> str:
    """A hand-made personal site of the early 2000s: a layout table, `<font>` and `<br>`."""
    menu_lines = "<br>\n".join(f'<a href="{href}">{text}</a>' for href, text in menu)
    return f"""\
<html lang="ja">
<head>
{meta}<title>{title}</title>
<style type="text/css">
<!--
body {{ font-size: 14px; line-height: 1.7; }}
td.menu {{ background-color: #e8f0e0; }}
-->
</style>
</head>
<body bgcolor="#fffff8" text="#333333" link="#0033cc" vlink="#663399">
<table width="680" border="0" cellpadding="8" cellspacing="0" align="center">
<tr>
<td class="menu" width="150" valign="top">
<b>{site}</b><br>
<br>
{menu_lines}
</td>
<td valign="top">
{body}
</td>
</tr>
</table>
<hr width="680">
<div class="footer" align="center"><font size="2">{footer}</font></div>
<script type="text/javascript">
<!--
document.write("最終更新：" + document.lastModified);
// -->
</script>
</body>
</html>
"""


def foreign_page(
    *,
    lang: str,
    site: str,
    title: str,
    byline: str,
    menu: tuple[tuple[str, str], ...],
    body: str,
    footer: str,
) -> str:
    """A plain article page for the English, Chinese and Korean sites."""
    return f"""\
<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} | {site}</title>
<style>main{{max-width:42rem;margin:0 auto}}</style>
</head>
<body>
<header class="site-header"><a class="logo" href="/">{site}</a>
<nav class="nav">
{link_list(menu, "menu")}
</nav>
</header>
<main>
<article>
<h1>{title}</h1>
<p class="byline">{byline}</p>
{body}
</article>
</main>
<footer class="footer"><p>{footer}</p></footer>
</body>
</html>
"""


def png_image(width: int, height: int, pixel: Callable[[int, int], bytes]) -> bytes:
    """A truecolour PNG; the image data is one stored (uncompressed) deflate block, so its
    bytes do not depend on the zlib build."""
    raw = b"".join(b"\x00" + b"".join(pixel(x, y) for x in range(width)) for y in range(height))
    stored = struct.pack("<BHH", 1, len(raw), len(raw) ^ 0xFFFF) + raw
    zlib_stream = b"\x78\x01" + stored + struct.pack(">I", zlib.adler32(raw))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib_stream)
        + chunk(b"IEND", b"")
    )


# ---------------------------------------------------------------------------
# The pages, in WARC order
# ---------------------------------------------------------------------------

KAWABE_HEADERS = (
    ("Server", "nginx"),
    ("Content-Type", "text/html; charset=UTF-8"),
    ("Connection", "keep-alive"),
    ("Vary", "Accept-Encoding"),
)

KAWABE_REDIRECT = Page(
    url="http://www.kawabe-shimbun.example.jp/",
    status=301,
    headers=(
        ("Server", "nginx"),
        ("Content-Type", "text/html"),
        ("Location", f"{KAWABE}/"),
        ("Connection", "keep-alive"),
    ),
    body=f"""\
<html>
<head><title>Moved Permanently</title></head>
<body>
<h1>Moved Permanently</h1>
<p>This site has moved to <a href="{KAWABE}/">{KAWABE}/</a>.</p>
</body>
</html>
""",
    encoding="ascii",
    ip=KAWABE_IP,
)

MATSURI_PAGE = Page(
    url=f"{KAWABE}/news/2024/05/16/natsumatsuri.html",
    headers=(*KAWABE_HEADERS, ("Last-Modified", "Thu, 16 May 2024 09:02:11 GMT")),
    body=kawabe_page(
        "商店街の夏祭り、5年ぶりに復活へ 7月27・28日",
        "2024年5月16日 18:02",
        p_tags(MATSURI)
        + '\n<p class="related">関連リンク：'
        + '<a href="/event/natsumatsuri/">かわべ夏まつり特集</a></p>',
    ),
    ip=KAWABE_IP,
    lang="ja",
    article=MATSURI,
)

LIBRARY_BUS_SCHEDULE = table(
    "北部地区の巡回日程（第1・第3週）",
    ("曜日", "巡回先", "時間"),
    (
        ("月", "上野地区集会所", "10:00～10:50"),
        ("月", "上野ふれあいホーム", "11:20～12:00"),
        ("火", "北川原公民館前", "10:00～10:40"),
        ("火", "山下地区バス停跡", "13:30～14:10"),
        ("木", "みどり台団地", "15:00～16:00"),
    ),
)

LIBRARY_BUS_PAGE = Page(
    url=f"{KAWABE}/news/2024/05/20/idou-toshokan.html",
    headers=KAWABE_HEADERS,
    body=kawabe_page(
        "移動図書館車、21年ぶりに更新 山間部の巡回先を拡大",
        "2024年5月20日 17:45",
        p_tags(LIBRARY_BUS) + "\n" + LIBRARY_BUS_SCHEDULE,
    ),
    ip=KAWABE_IP,
    lang="ja",
    article=LIBRARY_BUS,
)

COMMUNITY_BUS_TITLE = "コミュニティーバス、10月から新ルート 市民病院と駅を直結"
COMMUNITY_BUS_PATH = "/news/2024/05/10/community-bus.html"

COMMUNITY_BUS_PAGE = Page(
    url=f"{KAWABE}{COMMUNITY_BUS_PATH}",
    headers=KAWABE_HEADERS,
    body=kawabe_page(COMMUNITY_BUS_TITLE, "2024年5月10日 12:05", p_tags(COMMUNITY_BUS)),
    ip=KAWABE_IP,
    lang="ja",
    article=COMMUNITY_BUS,
)

# A short article drowned in navigation: area menu, four sidebar boxes, a footer sitemap.
KAWABE_AREA_MENU = link_list(
    tuple(
        (f"/area/{slug}/", name)
        for slug, name in (
            ("kawabe", "川辺地区"),
            ("ueno", "上野地区"),
            ("nanbu", "南部地区"),
            ("hokubu", "北部地区"),
            ("honmachi", "本町"),
            ("higashimachi", "東町"),
            ("nishimachi", "西町"),
            ("ekimae", "駅前"),
            ("odagawa", "小田川流域"),
            ("kinrin", "近隣の市町"),
        )
    ),
    "sub-menu area-menu",
)

KAWABE_HEAVY_SIDEBAR = f"""\
{KAWABE_SIDEBAR}
<section class="sidebar-box latest">
<h2>新着記事</h2>
{
    link_list(
        (
            ("/news/2024/05/20/idou-toshokan.html", "移動図書館車、21年ぶりに更新"),
            ("/news/2024/05/19/kasen-seisou.html", "小田川の河川敷で清掃活動 300人参加"),
            ("/news/2024/05/19/madoguchi.html", "市役所の窓口、水曜日は午後7時まで延長"),
            ("/life/2024/05/18/shincha.html", "上野地区の茶畑で新茶の摘み取り始まる"),
            ("/news/2024/05/18/chuurinjou.html", "川辺駅の駐輪場、来年4月から有料化へ"),
            ("/event/2024/05/17/shiryoukan.html", "郷土資料館で「昭和の暮らし展」"),
            ("/news/2024/05/16/kyuukyuu.html", "市民病院に新しい救急外来棟が完成"),
        ),
        "latest-list",
    )
}
</section>
<section class="sidebar-box tags">
<h2>話題のキーワード</h2>
<p class="tag-cloud"><a href="/tag/natsumatsuri/">#夏まつり</a> \
<a href="/tag/toshokan/">#図書館</a> \
<a href="/tag/bus/">#コミュニティーバス</a> <a href="/tag/douro/">#道路工事</a> \
<a href="/tag/kosodate/">#子育て</a> <a href="/tag/bousai/">#防災</a> \
<a href="/tag/koukou/">#高校スポーツ</a> <a href="/tag/gourmet/">#グルメ</a> \
<a href="/tag/kankou/">#観光</a> <a href="/tag/senkyo/">#選挙</a></p>
</section>
<section class="sidebar-box weather">
<h2>川辺市の天気</h2>
<p>きょう 晴れ 最高25℃ 最低14℃<br>あす くもり 最高23℃ 最低15℃</p>
</section>
<section class="sidebar-box subscribe">
<h2>購読のご案内</h2>
<p>川辺新聞は朝刊のみ、月ぎめ2,800円でご自宅や職場にお届けします。\
初めての方は、最初の1か月を無料でお試しいただけます。<a href="/subscribe/">お申し込み</a></p>
</section>
<section class="sidebar-box tips">
<h2>情報をお寄せください</h2>
<p>川辺新聞では、読者の皆さまからの情報をお待ちしています。身近な話題や地域の催しのお知らせは、\
編集局までお寄せください。掲載させていただいた方には、記念品をお送りします。</p>
</section>
<section class="sidebar-box cookie">
<h2>クッキーの利用について</h2>
<p>当サイトでは、閲覧状況の分析と広告の配信のためにクッキーを使用しています。\
引き続きサイトをご利用いただくと、クッキーの使用に同意したものとみなします。</p>
</section>"""

KAWABE_SITEMAP = f"""\
<div class="footer-sitemap">
{
    link_list(
        (
            ("/news/politics/", "市政・選挙"),
            ("/news/incident/", "事件・事故"),
            ("/news/economy/", "経済"),
            ("/news/education/", "教育"),
        ),
        "sitemap-column",
    )
}
{
    link_list(
        (
            ("/life/kosodate/", "子育て"),
            ("/life/iryou/", "医療・福祉"),
            ("/life/bousai/", "防災"),
            ("/life/food/", "食"),
        ),
        "sitemap-column",
    )
}
{
    link_list(
        (
            ("/sports/baseball/", "高校野球"),
            ("/sports/ekiden/", "駅伝"),
            ("/sports/local/", "地域スポーツ"),
        ),
        "sitemap-column",
    )
}
{
    link_list(
        (
            ("/company/", "会社案内"),
            ("/recruit/", "採用情報"),
            ("/subscribe/", "購読のお申し込み"),
            ("/ad/", "広告掲載"),
        ),
        "sitemap-column",
    )
}
</div>"""

ROAD_CLOSURE_PAGE = Page(
    url=f"{KAWABE}/news/2024/05/17/road-closure.html",
    headers=KAWABE_HEADERS,
    body=kawabe_page(
        "市道川辺・上野線、6月3日から通行止め",
        "2024年5月17日 10:30",
        p_tags(ROAD_CLOSURE),
        sidebar=KAWABE_HEAVY_SIDEBAR,
        extra_nav=KAWABE_AREA_MENU + "\n",
        sitemap=KAWABE_SITEMAP + "\n",
    ),
    ip=KAWABE_IP,
    lang="ja",
    article=ROAD_CLOSURE,
)

COMMUNITY_BUS_PRINT_PAGE = Page(
    url=f"{KAWABE}{COMMUNITY_BUS_PATH}?mode=print",
    headers=KAWABE_HEADERS,
    body=kawabe_print_page(
        COMMUNITY_BUS_TITLE,
        "2024年5月10日 11:40",
        p_tags(COMMUNITY_BUS_FIRST_EDITION),
        back_to=COMMUNITY_BUS_PATH,
    ),
    ip=KAWABE_IP,
    lang="ja",
    article=COMMUNITY_BUS_FIRST_EDITION,
)

COMMUNITY_BUS_MOBILE_PAGE = Page(
    url=f"https://sp.kawabe-shimbun.example.jp{COMMUNITY_BUS_PATH}",
    headers=KAWABE_HEADERS,
    body=kawabe_mobile_page(
        COMMUNITY_BUS_TITLE, "2024年5月11日 09:10 更新", p_tags(COMMUNITY_BUS_UPDATED)
    ),
    ip="203.0.113.22",
    lang="ja",
    article=COMMUNITY_BUS_UPDATED,
)

# Byte for byte the body of COMMUNITY_BUS_PAGE, served by a mirror on another host.
COMMUNITY_BUS_MIRROR_PAGE = Page(
    url="https://news-archive.example.jp/kawabe/2024/05/10/community-bus.html",
    headers=(
        ("Server", "Apache"),
        ("Content-Type", "text/html; charset=utf-8"),
        ("Accept-Ranges", "bytes"),
    ),
    body=COMMUNITY_BUS_PAGE.body,
    ip="198.51.100.7",
    lang="ja",
    article=COMMUNITY_BUS,
)

KAWABE_NOT_FOUND = Page(
    url=f"{KAWABE}/news/2024/04/01/old-article.html",
    status=404,
    headers=KAWABE_HEADERS,
    body=kawabe_page(
        "ページが見つかりません",
        "",
        "<p>お探しのページは見つかりませんでした。ページが移動または削除されたか、"
        "URLが間違っている可能性があります。</p>\n"
        '<p><a href="/">トップページへ戻る</a></p>',
    ),
    ip=KAWABE_IP,
    lang="ja",
)

KAWABE_API = Page(
    url=f"{KAWABE}/api/latest.json",
    headers=(("Server", "nginx"), ("Content-Type", "application/json; charset=utf-8")),
    body=json.dumps(
        {
            "site": "川辺新聞",
            "updated": "2024-05-20T17:45:00+09:00",
            "articles": [
                {
                    "title": "移動図書館車、21年ぶりに更新",
                    "path": "/news/2024/05/20/idou-toshokan.html",
                },
                {
                    "title": "市道川辺・上野線、6月3日から通行止め",
                    "path": "/news/2024/05/17/road-closure.html",
                },
                {
                    "title": "商店街の夏祭り、5年ぶりに復活へ",
                    "path": "/news/2024/05/16/natsumatsuri.html",
                },
            ],
        },
        ensure_ascii=False,
        indent=2,
    ),
    ip=KAWABE_IP,
    lang="ja",
)


def _logo_pixel(x: int, y: int) -> bytes:
    return b"\xff\xff\xff" if y in (3, 4) else b"\x0b\x3d\x6b"


KAWABE_LOGO = Page(
    url=f"{KAWABE}/assets/img/logo.png",
    headers=(("Server", "nginx"), ("Content-Type", "image/png"), ("Accept-Ranges", "bytes")),
    body=png_image(16, 8, _logo_pixel),
    ip=KAWABE_IP,
)

SABA_PAGE = Page(
    url=f"https://kitchen-memo.example.jp/recipe/{quote('鯖の味噌煮')}/",
    headers=(
        ("Server", "nginx"),
        ("Content-Type", "text/html; charset=UTF-8"),
        ("X-Crawler-Content-Encoding", "gzip"),
        ("Vary", "Accept-Encoding"),
    ),
    body=blog_page(
        meta=meta_charset("UTF-8"),
        site="きょうの台所メモ",
        tagline="毎日のごはんを気楽に作るためのレシピ帳",
        menu=(("/", "ホーム"), ("/recipe/", "レシピ一覧"), ("/about/", "このサイトについて")),
        title="ふっくら仕上がる鯖の味噌煮",
        date="2024年5月19日",
        iso_date="2024-05-19",
        category="魚のおかず",
        body=p_tags(SABA_MISONI).replace(
            "</p>\n<p>煮汁は",
            "</p>\n<h2>材料（2人分）</h2>\n"
            + "<ul>\n"
            + "\n".join(f"<li>{item}</li>" for item in SABA_INGREDIENTS)
            + "\n</ul>\n"
            + "<h2>作り方</h2>\n"
            + "<ol>\n"
            + "\n".join(f"<li>{step}</li>" for step in SABA_STEPS)
            + "\n</ol>\n"
            + "<h2>おいしく作るコツ</h2>\n<p>煮汁は",
        )
        + "\n"
        + table(
            "栄養の目安（1人分）",
            ("エネルギー", "たんぱく質", "塩分"),
            (("約320kcal", "22g", "2.1g"),),
        ),
        profile="共働きの二人暮らし。平日は30分で作れるごはんを目標にしています。",
        recent=(
            "鶏むね肉のしっとり照り焼き",
            "作り置きできる切り干し大根の煮物",
            "春キャベツの浅漬け",
        ),
    ),
    ip="198.51.100.31",
    lang="ja",
    article=SABA_MISONI,
)

SHIMANAMI_PAGE = Page(
    url="http://www2.tabinikki.example.jp/~nonbiri/diary/12.html",
    headers=(
        ("Server", "Apache/2.2.15 (Unix)"),
        ("Last-Modified", "Mon, 10 May 2004 13:20:45 GMT"),
        ("Accept-Ranges", "bytes"),
        ("Content-Type", "text/html; charset=EUC-JP"),
    ),
    body=old_homepage(
        meta=meta_http_equiv("EUC-JP"),
        title="旅日記 其の十二 しまなみ海道を走る（二日目）",
        site="のんびり自転車旅",
        menu=(
            ("../index.html", "トップ"),
            ("index.html", "旅日記"),
            ("../bbs/", "掲示板"),
            ("../link.html", "リンク"),
        ),
        body="<h2>旅日記 其の十二　しまなみ海道を走る（二日目）</h2>\n"
        '<p align="right">2004年5月4日（火）　天気：晴れ</p>\n'
        '<div class="diary">\n'
        + "<br>\n<br>\n".join(paragraphs(SHIMANAMI_DIARY))
        + "\n</div>\n<br>\n"
        + table(
            "本日の行程",
            ("区間", "距離", "時間"),
            (
                ("大三島〜伯方島", "12km", "1時間10分"),
                ("伯方島〜大島", "14km", "1時間30分"),
                ("大島〜今治駅", "17km", "2時間"),
            ),
        )
        + '\n<p><a href="11.html">&lt;&lt; 前の日</a>　｜　<a href="index.html">目次</a>　｜　'
        '<a href="13.html">次の日 &gt;&gt;</a></p>',
        footer="このページへのリンクはご自由にどうぞ。<br>\n"
        "Copyright (C) 2003-2004 のんびり自転車旅<br>\n"
        '<img src="/cgi-bin/count.cgi?id=nonbiri" alt="カウンター">',
    ),
    encoding="euc_jp",
    ip="198.51.100.45",
    lang="ja",
    article=SHIMANAMI_DIARY,
)

KETTLE_PAGE = Page(
    url="https://kaden-review.example.jp/review/kt-08.html",
    headers=(
        ("Server", "Apache"),
        ("Content-Type", "text/html; charset=Shift_JIS"),
        ("Last-Modified", "Sat, 18 May 2024 02:14:09 GMT"),
    ),
    body=blog_page(
        meta=meta_http_equiv("Shift_JIS"),
        site="家電レビュー帳",
        tagline="自腹で買った家電を、しばらく使ってから正直にレビューします",
        menu=(
            ("/", "ホーム"),
            ("/kitchen/", "キッチン家電"),
            ("/living/", "生活家電"),
            ("/ranking/", "おすすめ"),
        ),
        title="電気ケトル「KT-08」を3か月使ってわかったこと",
        date="2024年5月18日",
        iso_date="2024-05-18",
        category="キッチン家電",
        body=p_tags(KETTLE_REVIEW)
        + "\n"
        + table(
            "主な仕様",
            ("項目", "内容"),
            (
                ("容量", "0.8L"),
                ("消費電力", "1250W"),
                ("重さ", "約700g"),
                ("電源コード", "1.0m"),
                ("実売価格", "3,980円～"),
            ),
        )
        + '\n<p class="rating">総合評価：★★★★☆</p>',
        profile="家電が好きな会社員。買って後悔した家電の話もたまに書きます。",
        recent=(
            "布団乾燥機を冬の間使ってみた",
            "コードレス掃除機、買い替えの決め手",
            "一人暮らしに炊飯器は必要か",
        ),
    ),
    encoding="cp932",
    ip="203.0.113.57",
    lang="ja",
    article=KETTLE_REVIEW,
)

# The server says Content-Encoding: gzip, but the stored body is plain HTML (Common Crawl
# keeps decoded bodies); a reader must not gunzip it.
PUNCTURE_PAGE = Page(
    url="https://kurashi-howto.example.jp/bicycle/puncture-repair/",
    headers=(
        ("Server", "nginx"),
        ("Content-Type", "text/html; charset=utf-8"),
        ("Content-Encoding", "gzip"),
        ("Vary", "Accept-Encoding"),
        ("Cache-Control", "max-age=600"),
    ),
    body=blog_page(
        meta=meta_charset("utf-8"),
        site="暮らしのハウツー",
        tagline="身の回りの困りごとを自分で解決するためのガイド",
        menu=(("/", "ホーム"), ("/bicycle/", "自転車"), ("/house/", "住まい"), ("/money/", "お金")),
        title="自転車のパンクを自分で修理する方法",
        date="2024年4月30日",
        iso_date="2024-04-30",
        category="自転車",
        body=p_tags(PUNCTURE_REPAIR).replace(
            "</p>\n<p>作業を始める前に",
            "</p>\n"
            + table("用意するもの", ("道具", "数", "価格の目安"), PUNCTURE_TOOLS)
            + "\n<p>作業を始める前に",
        ),
        profile="暮らしのハウツー編集部です。実際に試した手順だけを紹介しています。",
        recent=(
            "網戸の張り替えは一人でもできる",
            "水道のポタポタ漏れを止めるには",
            "窓の結露を減らす三つの工夫",
        ),
    ),
    ip="203.0.113.64",
    lang="ja",
    article=PUNCTURE_REPAIR,
)

MEGANE_BASHI_PAGE = Page(
    url="http://www.kawabe-kyodoshi.example.jp/note/07.html",
    headers=(
        ("Server", "Apache/1.3.41 (Unix)"),
        ("Last-Modified", "Sat, 14 Nov 1998 09:12:00 GMT"),
        ("Content-Type", "text/html"),
    ),
    body=old_homepage(
        meta=meta_http_equiv("iso-2022-jp"),
        title="郷土史ノート 第七回 川辺の石橋「めがね橋」",
        site="川辺郷土史研究会",
        menu=(
            ("../index.html", "研究会について"),
            ("index.html", "郷土史ノート"),
            ("../kaihou/", "会報"),
        ),
        body="<h2>郷土史ノート　第七回　川辺の石橋「めがね橋」</h2>\n"
        + p_tags(MEGANE_BASHI)
        + "\n"
        + table(
            "めがね橋の年表",
            ("年", "できごと"),
            (
                ("明治九年（一八七六年）", "大水で木の橋が流される"),
                ("明治十年（一八七七年）", "石橋の建設が決まる"),
                ("明治十二年（一八七九年）", "めがね橋が完成する"),
                ("昭和六十三年（一九八八年）", "車の通行を止め、歩行者専用となる"),
            ),
        )
        + '\n<p><a href="06.html">前回：小田川の渡し舟</a>｜'
        + '<a href="index.html">目次へ戻る</a></p>',
        footer="川辺郷土史研究会<br>\n"
        "ご意見・ご感想は会報係までお寄せください。<br>\n(C) 1997-1998",
    ),
    encoding="iso2022_jp",
    ip="198.51.100.88",
    lang="ja",
    article=MEGANE_BASHI,
)

MINATO = "https://www.minato-seimitsu.example.jp"

# Shift_JIS declared only by the meta tag: the HTTP Content-Type has no charset.
HEAD_OFFICE_PAGE = Page(
    url=f"{MINATO}/news/2024/0520.html",
    headers=(
        ("Server", "Apache"),
        ("Last-Modified", "Mon, 20 May 2024 01:00:00 GMT"),
        ("Content-Type", "text/html"),
    ),
    body=f"""\
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" \
"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" lang="ja" xml:lang="ja">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS" />
<title>本社移転のお知らせ｜株式会社みなと精密</title>
<link rel="stylesheet" type="text/css" href="/css/common.css" />
<script type="text/javascript" src="/js/jquery.min.js"></script>
</head>
<body>
<div id="wrapper">
<div id="header">
<p id="logo"><a href="/"><img src="/img/logo.gif" alt="株式会社みなと精密" /></a></p>
{
        link_list(
            (
                ("/products/", "製品情報"),
                ("/company/", "会社概要"),
                ("/recruit/", "採用情報"),
                ("/contact/", "お問い合わせ"),
            ),
            "nav",
        )
    }
</div>
<div id="pankuzu"><a href="/">ホーム</a> &gt; <a href="/news/">ニュース</a> &gt;
本社移転のお知らせ</div>
<div id="contents">
<div id="main">
<h2>本社移転のお知らせ</h2>
<p class="date">2024年5月20日</p>
{p_tags(HEAD_OFFICE_MOVE)}
{
        table(
            "新本社の概要",
            ("項目", "内容"),
            (
                ("所在地", "〒000-0000 川辺市本町二丁目3番5号 川辺駅前ビル4階・1階"),
                ("電話", "0000-22-1100（代表）"),
                ("ファクス", "0000-22-1101"),
                ("業務開始日", "2024年7月2日（火）"),
            ),
        )
    }
</div>
<div id="side" class="sidebar">
<h3>ニュース</h3>
{
        link_list(
            (
                ("/news/2024/", "2024年のお知らせ"),
                ("/news/2023/", "2023年のお知らせ"),
                ("/news/2022/", "2022年のお知らせ"),
            ),
            "side-menu",
        )
    }
</div>
</div>
<div id="footer">
<p class="address">株式会社みなと精密<br />
〒000-0000 川辺市本町一丁目8番2号<br />
TEL 0000-21-0100</p>
<p class="copyright">Copyright (C) 2024 Minato Seimitsu Co., Ltd. All Rights Reserved.</p>
</div>
</div>
</body>
</html>
""",
    encoding="shift_jis",
    ip="203.0.113.90",
    lang="ja",
    article=HEAD_OFFICE_MOVE,
)

# UTF-8 bytes, but the server's Content-Type says ISO-8859-1 (the meta tag is right).
MINI_TOMATO_PAGE = Page(
    url="https://veranda-garden.example.jp/2024/05/minitomato/",
    headers=(
        ("Server", "Apache/2.4.57 (Unix)"),
        ("Content-Type", "text/html; charset=ISO-8859-1"),
        ("X-Powered-By", "PHP/8.1.27"),
    ),
    body=blog_page(
        meta=meta_charset("UTF-8"),
        site="ベランダ菜園日記",
        tagline="三階のベランダで野菜を育てる記録",
        menu=(("/", "ホーム"), ("/category/tomato/", "トマト"), ("/category/herb/", "ハーブ")),
        title="ベランダのミニトマト、一年目の反省",
        date="2024年5月11日",
        iso_date="2024-05-11",
        category="トマト",
        body=p_tags(MINI_TOMATO),
        profile="会社員。休日はベランダで土いじりをしています。",
        recent=(
            "バジルの種まき、発芽までの記録",
            "プランターの土はどう再利用する？",
            "しそは放っておいても育つのか",
        ),
    ),
    ip="198.51.100.102",
    lang="ja",
    article=MINI_TOMATO,
)

# Shift_JIS bytes with no charset in the HTTP header or the HTML: detection must find it.
MEDAKA_PAGE = Page(
    url="http://medaka.example.jp/kaikata.html",
    headers=(("Server", "Apache"), ("Content-Type", "text/html")),
    body=old_homepage(
        meta="",
        title="メダカの飼い方メモ",
        site="メダカのいる玄関",
        menu=(("index.html", "トップ"), ("kaikata.html", "飼い方メモ"), ("nikki.html", "観察日記")),
        body="<h2>メダカの飼い方メモ</h2>\n"
        + p_tags(MEDAKA)
        + "\n<h3>用意するもの</h3>\n"
        + "<ul>\n<li>睡蓮鉢か水槽</li>\n<li>一日くみ置きした水</li>\n<li>水草</li>\n"
        "<li>メダカ用のえさ</li>\n<li>小さな網</li>\n</ul>",
        footer='<a href="mailto:webmaster@medaka.example.jp">メールはこちら</a><br>\n'
        "(C) メダカのいる玄関",
    ),
    encoding="shift_jis",
    ip="203.0.113.111",
    lang="ja",
    article=MEDAKA,
)

# No Content-Type header at all: only the body says it is HTML.
LIGHTHOUSE_PAGE = Page(
    url="https://dokusho-note.example.jp/entry/2024/05/18/toudaimori",
    headers=(("Server", "openresty"), ("Cache-Control", "no-cache")),
    body=blog_page(
        meta=meta_charset("utf-8"),
        site="読書ノート",
        tagline="読んだ本の感想を書き留めています",
        menu=(("/", "ホーム"), ("/archive/", "記事一覧"), ("/about/", "このブログについて")),
        title="『灯台守の手帖』を読んで",
        date="2024年5月18日",
        iso_date="2024-05-18",
        category="ノンフィクション",
        body=p_tags(LIGHTHOUSE_BOOK),
        profile="月に五冊ほど読みます。小説よりノンフィクションが好きです。",
        recent=(
            "旅の本を三冊まとめて",
            "翻訳小説を読むときに気をつけていること",
            "今年前半に読んでよかった本",
        ),
    ),
    ip="198.51.100.120",
    lang="ja",
    article=LIGHTHOUSE_BOOK,
)

LINK_FARM_PAGE = Page(
    url="http://link-navi.example.jp/sougo/",
    headers=(("Server", "Apache"), ("Content-Type", "text/html; charset=UTF-8")),
    body="""\
<!DOCTYPE html>
<html lang="ja">
<head>
<meta charset="UTF-8">
<title>相互リンク集｜お得なサイトナビ</title>
</head>
<body>
<h1>相互リンク集</h1>
<p>相互リンク募集中！</p>
"""
    + link_list(
        tuple(
            (f"http://{host}.example.jp/", text)
            for host, text in (
                ("kakuyasu-koukuu", "格安航空券ナビ"),
                ("diet-supple", "ダイエットサプリ比較"),
                ("fx-start", "FX初心者ガイド"),
                ("datsumou-kuchikomi", "脱毛サロン口コミ"),
                ("hikkoshi-mitsumori", "引越し見積もりランキング"),
                ("chuukosha-kaitori", "中古車買取相場"),
                ("card-loan", "カードローン比較"),
                ("konkatsu-site", "婚活サイト比較"),
                ("water-server", "ウォーターサーバー人気"),
                ("kakeibo-app", "家計簿アプリ比較"),
                ("hoken-minaoshi", "保険見直しナビ"),
                ("eikaiwa-online", "オンライン英会話比較"),
                ("hair-ikumou", "育毛剤ランキング"),
                ("kaitori-brand", "ブランド買取相場"),
                ("hikari-kaisen", "光回線キャンペーン"),
                ("sim-hikaku", "格安SIM比較"),
                ("credit-card", "クレジットカードおすすめ"),
                ("tenshoku-agent", "転職エージェント比較"),
                ("gaiheki-tosou", "外壁塗装の相場"),
                ("fudousan-satei", "不動産一括査定"),
                ("kyuujin-navi", "求人情報ナビ"),
                ("sugu-kasegu", "在宅ワークで稼ぐ"),
                ("uranai-kuchikomi", "電話占い口コミ"),
                ("aojiru-hikaku", "青汁ランキング"),
            )
        ),
        "link-list",
    )
    + """
<p><a href="http://link-navi.example.jp/">トップ</a></p>
</body>
</html>
""",
    ip="203.0.113.130",
    lang="ja",
)

SPAM_KEYWORDS = "ブランド財布 激安 通販 最安値 送料無料 即日発送 人気 ランキング 新作 セール"

KEYWORD_SPAM_PAGE = Page(
    url="http://gekiyasu-brand.example.jp/",
    headers=(("Server", "nginx"), ("Content-Type", "text/html; charset=UTF-8")),
    body="""\
<!DOCTYPE html>
<html lang="ja">
<head>
<meta charset="UTF-8">
<title>【激安】ブランド財布 通販 最安値 送料無料｜人気ランキング</title>
<meta name="keywords" content="ブランド財布,激安,通販,最安値,送料無料,人気,ランキング">
</head>
<body>
<h1>★★★ ブランド財布 激安 通販 ★★★</h1>
<p>ブランド財布の激安通販なら当店へ。ブランド財布 激安、ブランド財布 通販、\
ブランド財布 最安値、ブランド財布 送料無料、ブランド財布 人気、ブランド財布 ランキング、\
ブランド財布 新作、ブランド財布 セール。</p>
"""
    + "\n".join(f"<p>{SPAM_KEYWORDS}</p>" for _ in range(12))
    + """
<p>★最大80％OFF★ 今すぐチェック！！ ★送料無料★ 今すぐチェック！！</p>
<p><a href="/item/">ブランド財布 激安 通販 一覧はこちら</a></p>
</body>
</html>
""",
    ip="203.0.113.140",
    lang="ja",
)

UNDER_CONSTRUCTION_PAGE = Page(
    url="https://hanako-diary.example.jp/",
    headers=(("Server", "nginx"), ("Content-Type", "text/html; charset=utf-8")),
    body="""\
<!DOCTYPE html>
<html lang="ja">
<head>
<meta charset="utf-8">
<title>準備中</title>
</head>
<body>
<p>ただいまサイトを準備中です。</p>
</body>
</html>
""",
    ip="198.51.100.150",
    lang="ja",
)

COMMUNITY_GARDEN_PAGE = Page(
    url="https://www.greenway-garden.example.com/blog/a-year-in-the-community-garden",
    headers=(("Server", "nginx"), ("Content-Type", "text/html; charset=utf-8")),
    body=foreign_page(
        lang="en",
        site="Greenway Garden Notes",
        title="What a Year in the Community Garden Taught Me",
        byline="Posted on May 12, 2024",
        menu=(("/", "Home"), ("/blog/", "Blog"), ("/about/", "About")),
        body=p_tags(COMMUNITY_GARDEN),
        footer="&copy; 2024 Greenway Garden Notes",
    ),
    ip="192.0.2.10",
    lang="en",
    article=COMMUNITY_GARDEN,
)

BIKE_LANES_PAGE = Page(
    url="https://news.riverbend.example.com/2024/05/council-approves-bike-lanes",
    headers=(("Server", "cloudfront"), ("Content-Type", "text/html; charset=utf-8")),
    body=foreign_page(
        lang="en",
        site="Riverbend Daily",
        title="City Council Approves Protected Bike Lanes on Main Street",
        byline="By staff reporter, May 15, 2024",
        menu=(
            ("/", "Home"),
            ("/local/", "Local"),
            ("/business/", "Business"),
            ("/sports/", "Sports"),
        ),
        body=p_tags(BIKE_LANES),
        footer="&copy; 2024 Riverbend Daily. All rights reserved.",
    ),
    ip="192.0.2.20",
    lang="en",
    article=BIKE_LANES,
)

WEST_LAKE_PAGE = Page(
    url="https://www.lvxing-biji.example.cn/hangzhou-xihu.html",
    headers=(("Server", "Tengine"), ("Content-Type", "text/html; charset=utf-8")),
    body=foreign_page(
        lang="zh-CN",
        site="旅行笔记",
        title="西湖边的一个早晨",
        byline="2024年5月9日",
        menu=(("/", "首页"), ("/youji/", "游记"), ("/meishi/", "美食")),
        body=p_tags(WEST_LAKE),
        footer="版权所有 &copy; 2024 旅行笔记",
    ),
    ip="192.0.2.30",
    lang="zh",
    article=WEST_LAKE,
)

OLLE_PAGE = Page(
    url="https://blog.jeju-gil.example.kr/olle-walk",
    headers=(("Server", "nginx"), ("Content-Type", "text/html; charset=utf-8")),
    body=foreign_page(
        lang="ko",
        site="제주 길 이야기",
        title="바다를 따라 걸은 올레길",
        byline="2024년 5월 13일",
        menu=(("/", "홈"), ("/walk/", "걷기"), ("/food/", "맛집")),
        body=p_tags(OLLE_WALK),
        footer="&copy; 2024 제주 길 이야기",
    ),
    ip="192.0.2.40",
    lang="ko",
    article=OLLE_WALK,
)

PAGES: tuple[Page, ...] = (
    KAWABE_REDIRECT,
    MATSURI_PAGE,
    LIBRARY_BUS_PAGE,
    COMMUNITY_BUS_PAGE,
    ROAD_CLOSURE_PAGE,
    COMMUNITY_BUS_PRINT_PAGE,
    COMMUNITY_BUS_MOBILE_PAGE,
    COMMUNITY_BUS_MIRROR_PAGE,
    KAWABE_NOT_FOUND,
    KAWABE_API,
    KAWABE_LOGO,
    SABA_PAGE,
    SHIMANAMI_PAGE,
    KETTLE_PAGE,
    PUNCTURE_PAGE,
    MEGANE_BASHI_PAGE,
    HEAD_OFFICE_PAGE,
    MINI_TOMATO_PAGE,
    MEDAKA_PAGE,
    LIGHTHOUSE_PAGE,
    LINK_FARM_PAGE,
    KEYWORD_SPAM_PAGE,
    UNDER_CONSTRUCTION_PAGE,
    COMMUNITY_GARDEN_PAGE,
    BIKE_LANES_PAGE,
    WEST_LAKE_PAGE,
    OLLE_PAGE,
)

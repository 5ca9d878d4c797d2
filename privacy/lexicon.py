"""Word lists for the detectors of names and street addresses.

Written by hand for this project, all lower case. The name lists are evidence, not
a limit: a capitalised word after a cue such as "mijn naam is" counts as a name
whether or not it is listed. The lists decide the doubtful cases, mostly in
messages typed all in lower case:

* ``FIRST_NAMES``: common given names in the Netherlands (Dutch, Frisian,
  Moroccan, Turkish, Surinamese, Indonesian, Polish, English). "ik ben jan"
  counts as a name because "jan" is listed; "ik ben bang" does not.
* ``SURNAMES``: common Dutch family names, for "meneer jansen" in lower case.
* ``NOT_NAMES``: words that follow "ik ben", "I am", "mevrouw" or a closing
  such as "groetjes" without being a name: function words, states and feelings
  ("bang", "ongerust", "zwanger"), nationalities ("Nederlandse", "Dutch"),
  roles ("slachtoffer", "verpleegkundige"). It also stops a name that runs on
  ("ik heet jan en ik ...").
"""

from __future__ import annotations

from typing import FrozenSet


def _words(text: str) -> FrozenSet[str]:
    """Returns the white-space separated words of ``text`` as a frozen set."""
    return frozenset(text.split())


FIRST_NAMES: FrozenSet[str] = _words("""
    aad aafke aagje aart ab abdel abdelkader abdellah abdullah abdul abel abdelhak achmed
    adam adrie adriaan adrianus agnes agnieszka ahmed ahmet aicha aischa aisha ali alice alida
    aliyah amal amber amina amira amy ana anand andrea andre andré andreas angela angelique
    anita anja anke anna annabel anne anneke annelies annemarie annemieke annemiek annet
    annette anouk antoinette anton antonia ard arend arie arjan arjen arnold aron astrid aukje
    ayla aylin ayse ayşe aziz baran benjamin bart bas bastiaan bea beatrix bep bert berta bertus betty
    bianca bilal birgit bob boris bram bregje brenda brigitte britt bronja burak carla carmen
    carolien caroline cas casper cathy cecile cees celine chantal charlotte chris christa
    christiaan christine cindy claudia co cobi coby connie cor cora corine corrie corry daan
    dani daniel daniëlle danielle dave david dennis denise derk dewi diana dick diederik
    dieneke dina dirk dominique doris dorien dorothea dries durk edith edwin eelco eline elif
    elisabeth elise elizabeth ella ellen els elsa elske emily emine emma erik erna ernst esra
    esther eva evelien evert ewa fabienne fatih fatima fatma femke fenna fleur floor floris
    frank frans freek frederik frits gea geert geertje gemma gera gerard gerarda gerben gerda
    gerdien gerrit gert gertrude gijs gonnie grace greet greetje gül gwen hanna hannah hanneke hannie
    hans harm harrie hatice hedwig heleen helen helena henk henny henri herman hester hetty
    hilde hilda hillegonda hiltje hennie hüseyin ibrahim ida ilona ilse imane inez inge ingeborg
    ingrid irene iris ivo jaap jacob jacoba jacqueline jamal jan janneke jannie jans jantine
    jantje jasper jeanette jelle jennifer jeroen jesse jessica jet joanna jochem joep johan
    johanna johannes joke jolanda jonas joop joost jordy joris jos josé jose josephine joyce
    judith julia juliette justin kader karel karen karin karina karim katarzyna kees kevin khadija
    kim klaas koen koos kris laila latifa lars laura lea leila lena leo levi lia lidia lieke lien
    lies linda lisa liselotte liz loes lotte louise lucas lucy luuk maaike maarten
    magda malika manon marco marcel marga margaret margreet margriet maria marian marianne
    marie mariëlle marielle marieke marijke marije marina mario marion marja marjan marjolein
    marjon mark marleen marloes marlies marta martha martijn martin martine mary mathijs maud
    max meryem mehmet melanie merel michael michel michelle mieke miep mila milan mirjam
    mohamed mohammed monique mustafa myriam nadia nancy naomi natasha nathalie nicole niels
    nienke nina noa noor nora nouri nynke olga olivia omar onno paul paula peter petra pien piet
    pieter pim priya rachida rachid rianne ria riet rik rina rini rita rob robert robin roel
    roelof romy ronald roos rosa rutger ruud sabine sacha samira sander sandra sanne sara sarah
    saskia sem sevda sevgi sharon simone sjaak sjoerd sofie sonja sophie stefan stephanie susan
    suzanne sven tamara tanja tessa teun thea theo thijs thomas tim tineke tinus tjitske tom
    tonnie tonny toos trees truus trudy ula ursula valerie vera vincent wendy wil wilma willem
    willemijn wim wouter yara yasmina yasmine yusuf yvonne zainab zeynep zoë zoe
""")

SURNAMES: FrozenSet[str] = _words("""
    bakker bos boer bosman brink brouwer bruijn bruin dekker dijk dijkstra groot graaf haan
    hendriks hermans hoekstra huisman jacobs jansen janssen jong kok koster kramer kuiper
    kuipers leeuwen linden maas meer meijer mulder peters pietersen post prins scholten schouten
    smit smits veen vermeulen verhoeven visser vliet vos vries wal wijk willems wit wouters
""")

# Surname particles, written as they follow a first name: "Jan van der Berg".
PARTICLES: FrozenSet[str] = _words("""
    van de der den het 't ter ten te in op la le el al du da di dos von ait bin
""")

NOT_NAMES: FrozenSet[str] = _words("""
    a aan about absoluut achter af afgelopen afgewezen afgeschrikt afraid al alleen alleenstaand
    alleenstaande allebei alles alsnog altijd am an and angry anders anxious are as at automatisch
    bang bedankt bedroefd bekend beetje benieuwd bereid beroerd betrokken bezig bezorgd bij blij
    boos bovendien but by certain chronisch cliënt client concerned confused daar daarom dan dank
    dat de deelnemer deelneemster deelnemers denk deze die dit doodsbang dochter doing done door
    dus dutch echt een eens eerder eigenlijk en er erg erbij even extra fine for from furieus
    geboren gebeld gedupeerd geen geholpen gek gelukkig gemaild genoeg gepensioneerd gerust
    gerustgesteld geschrokken getroffen gewoon gisteren goed graag groot happy hard have he heb
    hebben heel hem her here het hier hierbij hij hoe hoop hopelijk hpv i ik in inderdaad is it
    ja jaar je jij juist just kan klaar kwaad kwijt laat lang later liever looking maar mag man
    me medewerker meer met mij mijn misschien moe moeder moet mother my na naar net new niet
    niets nieuw nieuwsgierig no nog not nou nu of ok oké okay ongerust ongesteld onrustig ontevreden
    ontzettend ook oké op opgelucht opgelicht oud oude over paniek patiënt patient pislink pregnant
    razend really scared she sinds slachtoffer so sorry still sure te teleurgesteld thanks that the
    there they this to too totaal u uit uw vader van veilig verdrietig verhuisd verpleegkundige very
    verward vorig vorige vrouw waar wat wanneer want was we weduwe weduwnaar weer weet weg wel welke
    were what when where which who wie wil woedend woest worried would yes you zeer zelf ziek zij
    zo zojuist zoon zwanger zorgen zou

    nederlander nederlandse nederlands marokkaans marokkaanse turks turkse surinaams surinaamse
    belg belgisch belgische duits duitse pools poolse engels engelse frans franse brits britse
    spaans spaanse italiaans italiaanse antilliaans antilliaanse indonesisch indonesische
    christen christelijk katholiek katholieke protestant protestants moslim islamitisch joods
    joodse hindoe hindoestaans hindoestaanse hollander hollandse amsterdammer rotterdammer hagenaar
    utrechter fries friese limburger limburgse brabander brabantse zeeuw zeeuwse groninger drent
    twentenaar europeaan europese
    british english german polish french spanish italian turkish moroccan belgian american
    irish scottish canadian australian indian chinese muslim christian catholic jewish hindu
    european asian african expat

    alsjeblieft alstublieft alvast bedankt dankjewel dankuwel doei dag hallo hoi hoor hey
    none null true false mate buddy guys folks dear sir madam lieverd schat bot robot chatbot
    assistent allemaal
    iedereen nogmaals veel heel hartelijk vriendelijk vriendelijke terug jehova's jehovah's
    bezorgde ongeruste boze verdrietige oudere trouwe anoniem anonieme burger concerned worried
    groet groeten groetjes namens familie gezin buren collega collega's
    voor van uit aan met om tot zonder tegen tussen via per
    please thank regards best kind cheers again lot all everyone in advance

    heeft hebt had hadden kreeg kregen krijg krijgt kunt kunnen moeten mocht mogen wilde wilden
    weten wist zal zullen zei zegt vraag vraagt vroeg belde belt bel woon woont wonen werk werkt
    snap snapt begrijp begrijpt denkt dacht lees las heeft zit zat sta staat ga gaat ging
""")

# Capitalised words that start a sentence or name an organisation, a place or a
# document, and so never start a name without a cue ("Ministerie van ...").
NOT_NAME_STARTS: FrozenSet[str] = _words("""
    eurofins rivm ggd clinical diagnostics nmdl google facebook whatsapp digid
    academie afdeling autoriteit bank bevolkingsonderzoek bureau centrum college dienst
    gemeente gerechtshof hof hogeschool huis inspectie kamer koninkrijk laboratorium lab
    ministerie minister nederland provincie raad rijksinstituut rijksoverheid staat staten
    stichting universiteit vereniging ziekenhuis zorgverzekeraar
""")

STREET_PREFIXES: FrozenSet[str] = _words("""
    nieuwe oude lange korte hoge lage grote kleine verlengde burgemeester graaf gravin prins
    prinses koning koningin keizer sint st dr mr prof pater generaal admiraal kapitein
    oost west noord zuid binnen buiten boven beneden achter voor eerste tweede derde
""")

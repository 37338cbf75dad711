package io.clip4j.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Test cases from ftfy's own test suite ({@code tests/test-cases/in-the-wild.json}, {@code synthetic.json}
 * and {@code negative.json} of rspeer/python-ftfy), checked the way ftfy's {@code test_json_example} does:
 * {@code fix_text(original) == fixed}, {@code fix_encoding(original) == fixed-encoding} (defaulting to
 * {@code fixed}), and the same fix after an extra layer of UTF-8/Latin-1 mojibake. Two cases that the
 * repository added after the 6.3.1 release for unreleased heuristics (issues #222 and #231) are left out.
 */
class FtfyTestCasesTest {

    record Case(String label, String original, String fixedEncoding, String fixed) {
        @Override
        public String toString() {
            return label;
        }
    }

    private static Case c(String label, String original, String fixed) {
        return new Case(label, original, fixed, fixed);
    }

    private static Case c(String label, String original, String fixedEncoding, String fixed) {
        return new Case(label, original, fixedEncoding, fixed);
    }

    static Stream<Case> inTheWild() {
        return Stream.of(
                c("Low-codepoint emoji", "He's Justin\u00e2\u009d\u00a4", "He's Justin\u2764"),
                c("UTF-8 / MacRoman mix-up about smurfs",
                        "Le Schtroumpf Docteur conseille g√¢teaux et baies schtroumpfantes pour un r√©gime √©quilibr√©.",
                        "Le Schtroumpf Docteur conseille gâteaux et baies schtroumpfantes pour un régime équilibré."),
                c("Checkmark that almost looks okay as mojibake", "âœ” No problems", "✔ No problems"),
                c("UTF-8 / Windows-1251 Russian mixup about futbol",
                        "РґРѕСЂРѕРіРµ Р\u0098Р·-РїРѕРґ #С„СѓС‚Р±РѕР»", "дороге Из-под #футбол"),
                c("Latin-1 / Windows-1252 mixup in German",
                        "\u0084Handwerk bringt dich überall hin\u0093: Von der YOU bis nach Monaco",
                        "„Handwerk bringt dich überall hin“: Von der YOU bis nach Monaco",
                        "\"Handwerk bringt dich überall hin\": Von der YOU bis nach Monaco"),
                c("Latin-1 / Windows-1252 mixup of the replacement character",
                        "Some comments may be republished on the website or in the newspaper ï¿½ email addresses will not be published.",
                        "Some comments may be republished on the website or in the newspaper � email addresses will not be published."),
                c("CESU-8 / Windows-1252 emoji", "Hi guys í\u00a0½í¸\u008d", "Hi guys 😍"),
                c("CESU-8 / Latin-1 emoji", "hihi RT username: â\u0098ºí\u00a0½í¸\u0098", "hihi RT username: ☺😘"),
                c("Latin-1 / Windows-1252 mixup in Turkish", "Beta Haber: HÄ±rsÄ±zÄ± BÃ¼yÃ¼ Korkuttu",
                        "Beta Haber: Hırsızı Büyü Korkuttu"),
                c("Latin-1 / Windows-1252 mixup in İstanbul (issue #192)", "Ä°stanbul", "İstanbul"),
                c("Latin-1 / Windows-1252 mixup in German (issue #188)", "RUF MICH ZURÃœCK", "RUF MICH ZURÜCK"),
                c("Latin-1 / Windows-1252 mixup in Rīga (issue #192)", "RÄ«ga", "Rīga"),
                c("UTF-8 / Windows-1251 mixed up twice in Russian",
                        "Р С—РЎР‚Р С‘РЎРЏРЎвЂљР Р…Р С•РЎРѓРЎвЂљР С‘. РІСњВ¤", "приятности. ❤"),
                c("UTF-8 / Windows-1252 mixed up twice in Malay",
                        "Kayanya laptopku error deh, soalnya tiap mau ngetik deket-deket kamu font yg keluar selalu Times New Ã¢â‚¬Å“ RomanceÃ¢â‚¬Â\u009d.",
                        "Kayanya laptopku error deh, soalnya tiap mau ngetik deket-deket kamu font yg keluar selalu Times New “ Romance”.",
                        "Kayanya laptopku error deh, soalnya tiap mau ngetik deket-deket kamu font yg keluar selalu Times New \" Romance\"."),
                c("UTF-8 / Windows-1252 mixed up twice in naming Iggy Pop", "Iggy Pop (nÃƒÂ© Jim Osterberg)",
                        "Iggy Pop (né Jim Osterberg)"),
                c("Left quote is UTF-8, right quote is Latin-1, both encoded in Windows-1252",
                        "Direzione Pd, ok â\u0080\u009csenza modifiche\u0094 all'Italicum.",
                        "Direzione Pd, ok “senza modifiche” all'Italicum.",
                        "Direzione Pd, ok \"senza modifiche\" all'Italicum."),
                c("UTF-8 / sloppy Windows-1252 mixed up twice in a triumphant emoticon",
                        "selamat berpuasa sob (Ã\u00a0Â¸â€¡'ÃŒâ‚¬Ã¢Å’Â£'ÃŒÂ\u0081)Ã\u00a0Â¸â€¡",
                        "selamat berpuasa sob (ง'̀⌣'́)ง"),
                c("UTF-8 / Windows-1252 mixed up three times",
                        "The Mona Lisa doesnÃƒÂ¢Ã¢â€šÂ¬Ã¢â€žÂ¢t have eyebrows.",
                        "The Mona Lisa doesn’t have eyebrows.", "The Mona Lisa doesn't have eyebrows."),
                c("UTF-8 / Codepage 437 mixup in Russian", "#╨┐╤Ç╨░╨▓╨╕╨╗╤î╨╜╨╛╨╡╨┐╨╕╤é╨░╨╜╨╕╨╡",
                        "#правильноепитание"),
                c("UTF-8 / Windows-1252 mixup in French", "HÃ´tel de Police", "Hôtel de Police"),
                c("UTF-8 / Windows-1250 mixup in French", "LiĂ¨ge Avenue de l'HĂ´pital",
                        "Liège Avenue de l'Hôpital"),
                c("UTF-8 / Windows-1252 mixup in Vietnamese", "Táº¡i sao giÃ¡ háº¡t sáº§u riÃªng láº¡i lÃªn giÃ¡?",
                        "Tại sao giá hạt sầu riêng lại lên giá?"),
                c("Science! Mid-word Greek letter gets fixed correctly",
                        "Humanized HLA-DR4.RagKO.IL2RÎ³cKO.NOD (DRAG) mice sustain the complex vertebrate life cycle of Plasmodium falciparum malaria.",
                        "Humanized HLA-DR4.RagKO.IL2RγcKO.NOD (DRAG) mice sustain the complex vertebrate life cycle of Plasmodium falciparum malaria."),
                c("For goodness' sake. We can come close to fixing this, but fail in the last step",
                        "ItÃ?Â¢â?¬â?¢s classic. ItÃ?Â¢â?¬â?¢s epic. ItÃ?Â¢â?¬â?¢s ELIZABETH BENNET for goodnessÃ?Â¢â?¬â?¢ sake!",
                        "It�¢��s classic. It�¢��s epic. It�¢��s ELIZABETH BENNET for goodness�¢�� sake!"),
                c("lossy UTF-8 / Windows-1250 mixup in Spanish",
                        "Europa, Asia, Ă�frica, Norte, AmĂ©rica Central y del Sur, Australia y OceanĂ\u00ada",
                        "Europa, Asia, �frica, Norte, América Central y del Sur, Australia y Oceanía"),
                c("UTF-8 / sloppy Windows-1250 mixup in English",
                        "It was namedÂ â€žscarsÂ´ stonesâ€ś after the rock-climbers who got hurt while climbing on it.",
                        "It was named\u00a0„scars´ stones“ after the rock-climbers who got hurt while climbing on it.",
                        "It was named\u00a0\"scars´ stones\" after the rock-climbers who got hurt while climbing on it."),
                c("The same text as above, but as a UTF-8 / ISO-8859-2 mixup",
                        "It was namedÂ\u00a0â\u0080\u009escarsÂ´ stonesâ\u0080\u009c after the rock-climbers who got hurt while climbing on it.",
                        "It was named\u00a0„scars´ stones“ after the rock-climbers who got hurt while climbing on it.",
                        "It was named\u00a0\"scars´ stones\" after the rock-climbers who got hurt while climbing on it."),
                c("UTF-8 / ISO-8859-2 mixup in Czech", "MĂĄm dost tĹ\u0099etĂ\u00adho tisĂ\u00adciletĂ\u00ad",
                        "Mám dost třetího tisíciletí"),
                c("UTF-8 / Windows-1252 mixup in mixed French and Arabic",
                        "Ã€ tous mes frÃ¨res et soeurs dans la syriennetÃ© comme dans l’humanitÃ©, sans discrimination aucune, je vous souhaite bonne fÃªte Ø¹ÙŠØ¯ Ø³Ø¹ÙŠØ¯.Que la paix, la libertÃ©, l’Ã©galitÃ©, la fraternitÃ© et la dignitÃ© soient avec vous.Pardonnez ce ton un peu ecclÃ©siastique.",
                        "À tous mes frères et soeurs dans la syrienneté comme dans l’humanité, sans discrimination aucune, je vous souhaite bonne fête عيد سعيد.Que la paix, la liberté, l’égalité, la fraternité et la dignité soient avec vous.Pardonnez ce ton un peu ecclésiastique.",
                        "À tous mes frères et soeurs dans la syrienneté comme dans l'humanité, sans discrimination aucune, je vous souhaite bonne fête عيد سعيد.Que la paix, la liberté, l'égalité, la fraternité et la dignité soient avec vous.Pardonnez ce ton un peu ecclésiastique."),
                c("UTF-8 / sloppy Windows-1250 mixup in Romanian", "vedere Ă®nceĹŁoĹźatÄ\u0083", "vedere înceţoşată"),
                c("UTF-8 / Windows-1250 mixup in Slovak", "NapĂ\u00adĹˇte nĂˇm !", "Napíšte nám !"),
                c("UTF-8 / Windows-1252 mixup in Spanish", "DOS AÃ‘OS", "DOS AÑOS"),
                c("UTF-8 / Windows-1252 followed by UTF-8 / Windows-1251",
                        "a bigger-than-expected Г‚ВЈ5.8bn rights issue to satisfy the new banking regulator",
                        "a bigger-than-expected £5.8bn rights issue to satisfy the new banking regulator"),
                c("fancy Unicode crossing-out, but mojibaked", "hotel $49 $Ì¶6Ì¶3Ì¶ updated 2018",
                        "hotel $49 $̶6̶3̶ updated 2018"),
                c("A face with UTF-8 / sloppy Windows-1252 mixed up twice",
                        "Ã¢â€\u009dâ€™(Ã¢Å’Â£Ã‹â€ºÃ¢Å’Â£)Ã¢â€\u009dÅ½", "┒(⌣˛⌣)┎"),
                c("We can mostly decode the face above when we lose the character U+009D",
                        "Ã¢â€�â€™(Ã¢Å’Â£Ã‹â€ºÃ¢Å’Â£)Ã¢â€�Å½", "�(⌣˛⌣)�"),
                c("Lossy decoding can have plain ASCII question marks, as well",
                        "The ICR has been upgraded to â€œbb+â€? from â€œbbâ€?",
                        "The ICR has been upgraded to “bb+� from “bb�",
                        "The ICR has been upgraded to \"bb+� from \"bb�"),
                c("CESU-8 / Latin-1 mixup over several emoji",
                        "I just figured out how to tweet emojis! â\u009a½í\u00a0½í¸\u0080í\u00a0½í¸\u0081í\u00a0½í¸\u0082í\u00a0½í¸\u0086í\u00a0½í¸\u008eí\u00a0½í¸\u008eí\u00a0½í¸\u008eí\u00a0½í¸\u008e",
                        "I just figured out how to tweet emojis! ⚽😀😁😂😆😎😎😎😎"),
                c("An absolutely hopeless garble", "ã†â€™ãƒâ€ ã¢â‚¬â„¢ãƒæ’ã‚â¢ãƒâ¢ã¢â‚¬å¡ã‚â¬ãƒâ€šã‚â",
                        "ã†â€™ãƒâ€ ã¢â‚¬â„¢ãƒæ’ã‚â¢ãƒâ¢ã¢â‚¬å¡ã‚â¬ãƒâ€šã‚â",
                        "ã†â€™ãƒâ€ ã¢â'¬â\"¢ãƒæ'ã'â¢ãƒâ¢ã¢â'¬å¡ã'â¬ãƒâ€šã'â"),
                c("Inconsistent UTF-8 / Latin-1 mojibake",
                        "Ecuadorâ\u0080\u0099s â\u0080\u0098purely political decision on Assangeâ\u0080\u0099 is likely result of â\u0080\u0098US pressureâ\u0080\u0099\u0085",
                        "Ecuador’s ‘purely political decision on Assange’ is likely result of ‘US pressure’…",
                        "Ecuador's 'purely political decision on Assange' is likely result of 'US pressure'…"),
                c("Inconsistent UTF-8 / Latin-1 mojibake with an ellipsis from the Windows-1252 character set",
                        "Ecuadorâ\u0080\u0099s â\u0080\u0098purely political decision on Assangeâ\u0080\u0099 is likely result of â\u0080\u0098US pressureâ\u0080\u0099…",
                        "Ecuador’s ‘purely political decision on Assange’ is likely result of ‘US pressure’…",
                        "Ecuador's 'purely political decision on Assange' is likely result of 'US pressure'…"),
                c("Inconsistent mojibake in Portuguese",
                        "Campeonatos > III DivisÃ£o - SÃ©rie F > Jornadas Classificação",
                        "Campeonatos > III Divisão - Série F > Jornadas Classificação"),
                c("Handle Afrikaans 'n character", "ŉ Chloroplas is ŉ organel wat in fotosinterende plante voorkom.",
                        "ŉ Chloroplas is ŉ organel wat in fotosinterende plante voorkom.",
                        "'n Chloroplas is 'n organel wat in fotosinterende plante voorkom."),
                c("Handle Croatian single-codepoint digraphs",
                        "izum „bootstrap load“ koji je korišteǌem polisilicijskog sloja proizveo dovoǉno dobre kondenzatore na čipu",
                        "izum „bootstrap load“ koji je korišteǌem polisilicijskog sloja proizveo dovoǉno dobre kondenzatore na čipu",
                        "izum \"bootstrap load\" koji je korištenjem polisilicijskog sloja proizveo dovoljno dobre kondenzatore na čipu"),
                c("A with an acute accent, in isolation", "NicolÃ¡s", "Nicolás"),
                c("sharp S, in isolation, via MacRoman encoding", "wei√ü", "weiß"),
                c("French example containing non-breaking spaces", "ART TRIP Ã\u00a0 l'office de tourisme",
                        "ART TRIP à l'office de tourisme"),
                c("English example in UTF-8 / Windows-1251 with a ligature",
                        "This is signiп¬Ѓcantly lower than the respective share",
                        "This is signiﬁcantly lower than the respective share",
                        "This is significantly lower than the respective share"),
                c("'à' remains its own word, even if spaces after it get coalesced into one",
                        "Ã perturber la rÃ©flexion des thÃ©ologiens jusqu'Ã nos jours",
                        "à perturber la réflexion des théologiens jusqu'à nos jours"),
                c("Fix 'à' in inconsistent mojibake",
                        "Le barÃ¨me forfaitaire permet l’Ã©valuation des frais de dÃ©placement relatifs Ã l’utilisation",
                        "Le barème forfaitaire permet l’évaluation des frais de déplacement relatifs à l’utilisation",
                        "Le barème forfaitaire permet l'évaluation des frais de déplacement relatifs à l'utilisation"),
                c("The Portuguese word 'às' does not become 'à s' due to the French fix",
                        "com especial atenÃ§Ã£o Ã s crianÃ§as", "com especial atenção às crianças"),
                c("This is why we require a space after the 's' in 'às'",
                        "TroisiÃ¨me Ã©dition pour ce festival qui persiste et signe Ã s'Ã©loigner des grands axes pour prendre les contre-allÃ©es en 16 concerts dans 7 villes de 2 pays voisins.",
                        "Troisième édition pour ce festival qui persiste et signe à s'éloigner des grands axes pour prendre les contre-allées en 16 concerts dans 7 villes de 2 pays voisins."),
                c("We can fix 'à' in windows-1251 sometimes as well",
                        "La rГ©gion de Dnepropetrovsk se trouve Г lвЂ™ouest de lвЂ™Ukraine",
                        "La région de Dnepropetrovsk se trouve à l’ouest de l’Ukraine",
                        "La région de Dnepropetrovsk se trouve à l'ouest de l'Ukraine"),
                c("'Ã quele' is the Portuguese word 'àquele', not 'à quele'",
                        "eliminado o antÃ\u00adgeno e mantidos os nÃ\u00adveis de anticorpos, surgem as condiÃ§Ãµes necessÃ¡rias ao estabelecimento do granuloma, semelhante Ã quele observado nas lesÃµes por imunocomplexo em excesso de anticorpos",
                        "eliminado o antígeno e mantidos os níveis de anticorpos, surgem as condições necessárias ao estabelecimento do granuloma, semelhante àquele observado nas lesões por imunocomplexo em excesso de anticorpos"),
                c("A complex, lossy pile-up of mojibake in Portuguese",
                        "â € ðŸ“�Â Regulamento: â € âš ï¸� As pessoas que marcarem nos comentÃ¡rios perfis empresariais e/ou de marcas, personalidades ou fake serÃ£o desclassificadas. âš ï¸� Podem participar pessoas residentes em Petrolina/PE ou Juazeiro/BA, desde que se comprometam a retirar o prÃªmio em nosso endereÃ§o. FuncionÃ¡rios estÃ£o vetados. âš ï¸� SerÃ£o vÃ¡lidos os comentÃ¡rios postados atÃ© 16h, do dia 31/03/2018. E o resultado serÃ¡ divulgado atÃ© Ã s 19h do mesmo dia em uma nova publicaÃ§Ã£o em nosso instagram. â € Boa sorte!!!Â ðŸ˜€ðŸ�°",
                        "⠀ �\u00a0Regulamento: ⠀ ⚠� As pessoas que marcarem nos comentários perfis empresariais e/ou de marcas, personalidades ou fake serão desclassificadas. ⚠� Podem participar pessoas residentes em Petrolina/PE ou Juazeiro/BA, desde que se comprometam a retirar o prêmio em nosso endereço. Funcionários estão vetados. ⚠� Serão válidos os comentários postados até 16h, do dia 31/03/2018. E o resultado será divulgado até às 19h do mesmo dia em uma nova publicação em nosso instagram. ⠀ Boa sorte!!!\u00a0😀�"),
                c("UTF-8 / Windows-1252 mixup in Gaelic involving non-breaking spaces",
                        "CÃ\u00a0nan nan GÃ\u00a0idheal", "Cànan nan Gàidheal"),
                c("UTF-8 / Windows-1251 mixup in tweet spam", "Blog Traffic Tip 2 вЂ“ Broadcast Email Your Blog",
                        "Blog Traffic Tip 2 – Broadcast Email Your Blog"),
                c("UTF-8 / Windows-1251 mixup", "S&P Confirms UkrsotsbankвЂ™s вЂњB-вЂњ Rating",
                        "S&P Confirms Ukrsotsbank’s “B-“ Rating", "S&P Confirms Ukrsotsbank's \"B-\" Rating"),
                c("Dutch example with ë", "ongeÃ«venaard", "ongeëvenaard"),
                c("HTML entity on top of UTF-8 / Latin-1", "10Î&frac14;s", "10Î&frac14;s", "10μs"),
                c("Three layers of UTF-8 / MacRoman mixup in French",
                        "Merci de t‚Äö√†√∂¬¨¬©l‚Äö√†√∂¬¨¬©charger le plug-in Flash Player 8",
                        "Merci de télécharger le plug-in Flash Player 8"),
                c("UTF-8 / MacRoman mixup in French",
                        "Merci de bien vouloir activiter le Javascript dans votre navigateur web afin d'en profiter‚Ä¶",
                        "Merci de bien vouloir activiter le Javascript dans votre navigateur web afin d'en profiter…"),
                c("Italian UTF-8 / MacRoman example with ò", "Le Vigne di Zam√≤", "Le Vigne di Zamò"),
                c("Punctuation pile-up should actually be musical notes",
                        "Engkau masih yg terindah, indah di dalam hatikuâ™«~",
                        "Engkau masih yg terindah, indah di dalam hatiku♫~"),
                c("Latvian UTF-8 / Windows-1257 mojibake",
                        "Å veices baÅ†Ä·ieri gaida konkrÄ“tus investÄ«ciju projektus",
                        "Šveices baņķieri gaida konkrētus investīciju projektus"),
                c("Latvian UTF-8 / MacRoman mojibake",
                        "SaeimƒÅ ievƒìlƒìtƒÅs partijas \"Progresƒ´vie\" lƒ´dzvadƒ´tƒÅja Anto≈Üina ≈Öena≈°eva atbild uz ≈æurnƒÅlistu jautƒÅjumiem pƒìc partijas tik≈°anƒÅs ar Valsts prezidentu Rƒ´gas pilƒ´,",
                        "Saeimā ievēlētās partijas \"Progresīvie\" līdzvadītāja Antoņina Ņenaševa atbild uz žurnālistu jautājumiem pēc partijas tikšanās ar Valsts prezidentu Rīgas pilī,"),
                c("Lithuanian UTF-8 / Windows-1257 mojibake",
                        "Å iaip ÄÆdomu, kaip ÄÆsivaizduoji. VisÅ³ pirma tam reikia laiko.",
                        "Šiaip įdomu, kaip įsivaizduoji. Visų pirma tam reikia laiko."),
                c("Lithuanian UTF-8 / Windows-1250 mojibake", "Lietuva pagrÄŻstai gali paklausti: Ĺ˝inoma, kad ne.",
                        "Lietuva pagrįstai gali paklausti: Žinoma, kad ne."),
                c("Hebrew UTF-8 / Windows-1252 mojibake", "×‘×”×•×“×¢×”", "בהודעה"),
                c("Wide comma in UTF-8 / Windows-1252", "Ningboï¼ŒChina", "Ningbo，China", "Ningbo,China"));
    }

    static Stream<Case> synthetic() {
        return Stream.of(
                c("we can recognize Ã in some cases when it's the only mojibake", "voilÃ  le travail",
                        "voilà le travail"),
                c("we can recognize Ã at the end of a word when it absorbs a following space", "voilÃ le travail",
                        "voilà le travail"),
                c("Hebrew UTF-8 / Windows-1250 mojibake", "×‘×”×•×“×˘×”", "בהודעה"),
                c("Hebrew UTF-8 / MacRoman mojibake", "◊ë◊î◊ï◊ì◊¢◊î", "בהודעה"),
                c("Hebrew UTF-8 / Latin-1 mojibake", "×\u0090×\u0091×\u0091×\u0090", "אבבא"),
                c("Arabic UTF-8 / Windows-1252 mojibake", "Ø±Ø³Ø§Ù„Ø©", "رسالة"),
                c("Arabic UTF-8 / Windows-1250 mojibake", "Ř±ŘłŘ§Ů„Ř©", "رسالة"),
                c("Arabic UTF-8 / MacRoman mojibake", "ÿ±ÿ≥ÿßŸÑÿ©", "رسالة"),
                c("negative: Brontë's name does not end with a Korean syllable",
                        "I'm not such a fan of Charlotte Brontë…”", "I'm not such a fan of Charlotte Brontë…”",
                        "I'm not such a fan of Charlotte Brontë…\""),
                c("negative: hypothetical Swedish product name", "AHÅ™, the new sofa from IKEA",
                        "AHÅ™, the new sofa from IKEA"),
                c("negative: Ukrainian capital letters", "ВІКІ is Ukrainian for WIKI", "ВІКІ is Ukrainian for WIKI"),
                c("negative: don't leak our internal use of byte 0x1A",
                        "These control characters \u001a are apparently intentional \u0081",
                        "These control characters \u001a are apparently intentional \u0081",
                        "These control characters  are apparently intentional \u0081"),
                c("negative: U+1A on its own", "Here's a control character: \u001a",
                        "Here's a control character: \u001a", "Here's a control character: "),
                c("negative: A-with-circle as an Angstrom sign", "a radius of 10 Å—", "a radius of 10 Å—"),
                c("negative: Spanish with exclamation points on the wrong sides", "!YO SÉ¡", "!YO SÉ¡"),
                c("fix text with backslashes in it", "<40\\% vs \u00e2\u0089\u00a540\\%", "<40\\% vs ≥40\\%"),
                c("curly quotes with mismatched encoding glitches in Latin-1",
                        "\u00e2\u0080\u009cmismatched quotes\u0085\u0094", "“mismatched quotes…”",
                        "\"mismatched quotes…\""),
                c("curly quotes with mismatched encoding glitches in Windows-1252", "â€œmismatched quotesâ€¦”",
                        "“mismatched quotes…”", "\"mismatched quotes…\""),
                c("lossy decoding in sloppy-windows-1252", "â€œlossy decodingâ€�", "“lossy decoding�",
                        "\"lossy decoding�"),
                c("French word for August in windows-1252", "aoÃ»t", "août"),
                c("French word for hotel in all-caps windows-1252", "HÃ”TEL", "HÔTEL"),
                c("Scottish Gaelic word for 'subject' in all-caps windows-1252", "CÃ™IS", "CÙIS"),
                c("negative: Romanian word before a non-breaking space", "NICIODATĂ\u00a0", "NICIODATĂ\u00a0"),
                c("negative: Be careful around curly apostrophes", "There are a lot of Ã’s in mojibake text",
                        "There are a lot of Ã’s in mojibake text", "There are a lot of Ã's in mojibake text"),
                c("negative: Romanian word before a trademark sign", "NICIODATĂ™", "NICIODATĂ™"),
                c("negative: Lithuanian word before a trademark sign", "TRANSFORMATORIŲ™", "TRANSFORMATORIŲ™"),
                c("negative: Norwegian capitalized nonsense", "HÅØYA ER BLÅØYD", "HÅØYA ER BLÅØYD"),
                c("negative: raised eyebrow kaomoji", "Ō¬o", "Ō¬o"),
                c("negative: Camel-cased Serbian that looks like a UTF-8 / Windows-1251 mixup", "ПоздравЂаво",
                        "ПоздравЂаво"),
                c("mojibake with trademark sign at the end of a word", "OÃ™ ET QUAND?", "OÙ ET QUAND?"));
    }

    static Stream<Case> negative() {
        return Stream.of(
                c("Using diaereses as quotation marks in Greek", "Η ¨ανατροφή¨ δυστυχώς από τους προπονητές",
                        "Η ¨ανατροφή¨ δυστυχώς από τους προπονητές"),
                c("Don't fix a multiplication symbol in quotes",
                        "higher values (“+” and “×” curves) in the superficial region",
                        "higher values (“+” and “×” curves) in the superficial region",
                        "higher values (\"+\" and \"×\" curves) in the superficial region"),
                c("inconsistent mojibake that could be Latin-1 or MacRoman (issue #202)", "Bremer/Mccoy – DrÃ¥ber",
                        "Bremer/Mccoy – DrÃ¥ber"),
                c("'è' preceded by a non-breaking space is not a small capital Y",
                        "Con il corpo e lo spirito ammaccato,\u00a0è come se nel cuore avessi un vetro conficcato.",
                        "Con il corpo e lo spirito ammaccato,\u00a0è come se nel cuore avessi un vetro conficcato."),
                c("multiplication sign and ellipsis", "4288×…", "4288×…"),
                c("accents are sometimes used as quotes", "``toda produzida pronta pra assa aí´´",
                        "``toda produzida pronta pra assa aí´´"),
                c("'Õ' followed by an ellipsis", "HUHLL Õ…", "HUHLL Õ…"),
                c("'Ê' followed by an ellipsis", "RETWEET SE VOCÊ…", "RETWEET SE VOCÊ…"),
                c("'É' followed by an ellipsis", "PARCE QUE SUR LEURS PLAQUES IL Y MARQUÉ…",
                        "PARCE QUE SUR LEURS PLAQUES IL Y MARQUÉ…"),
                c("'Ó' followed by an ellipsis", "TEM QUE SEGUIR, SDV SÓ…", "TEM QUE SEGUIR, SDV SÓ…"),
                c("'É' followed by a curly apostrophe",
                        "Join ZZAJÉ’s Official Fan List and receive news, events, and more!",
                        "Join ZZAJÉ’s Official Fan List and receive news, events, and more!",
                        "Join ZZAJÉ's Official Fan List and receive news, events, and more!"),
                c("'é' preceded by curly apostrophe", "L’épisode 8 est trop fou ouahh", "L’épisode 8 est trop fou ouahh",
                        "L'épisode 8 est trop fou ouahh"),
                c("three raised eyebrows or something?", "Ôôô VIDA MINHA", "Ôôô VIDA MINHA"),
                c("copyright sign preceded by non-breaking space", "[x]\u00a0©", "[x]\u00a0©"),
                c("en dash and infinity sign", "2012—∞", "2012—∞"),
                c("This Е is a Ukrainian letter, but nothing else is wrong", "SENSЕ - Oleg Tsedryk",
                        "SENSЕ - Oleg Tsedryk"),
                c("angry face", "OK??:(   `¬´    ):", "OK??:(   `¬´    ):"),
                c("face with glasses and a raised eyebrow", "( o¬ô )", "( o¬ô )"),
                c("triangle and degree sign", "∆°", "∆°"),
                c("Portuguese with inverted question mark", "ESSE CARA AI QUEM É¿", "ESSE CARA AI QUEM É¿"),
                c("Portuguese with acute accents as quotation marks",
                        "``hogwarts nao existe, voce nao vai pegar o trem pra lá´´",
                        "``hogwarts nao existe, voce nao vai pegar o trem pra lá´´"),
                c("Finnish Ä followed by a non-breaking space", "SELKÄ\u00a0EDELLÄ\u00a0MAAHAN via @YouTube",
                        "SELKÄ\u00a0EDELLÄ\u00a0MAAHAN via @YouTube"),
                c("multiplying by currency", "Offering 5×£35 pin ups", "Offering 5×£35 pin ups"),
                c("registered chocolate brand name",
                        "NESTLÉ® requiere contratar personal para diferentes areas a nivel nacional e internacional",
                        "NESTLÉ® requiere contratar personal para diferentes areas a nivel nacional e internacional"),
                c("looks like Windows-1257 mojibake but someone writes their name this way",
                        "Connect with Āø on Facebook", "Connect with Āø on Facebook"),
                c("Mostly negative: we only need to fix C1 control characters",
                        "C'est vrai que nous n'en avons pas encore beaucoup parlé\u0085 Tu sais, ça fait de nombreuses années",
                        "C'est vrai que nous n'en avons pas encore beaucoup parlé… Tu sais, ça fait de nombreuses années"),
                c("We don't fix Ã in all contexts", "C O N C L U S Ã O", "C O N C L U S Ã O"),
                c("Two concatenated strings", "Oborzos, per. Vahbarz, frataraká§ 141",
                        "Oborzos, per. Vahbarz, frataraká§ 141"),
                c("Indonesian leetspeak",
                        "MÄ£ÄM ÌÑÌ Q £ÄGÌ GÄLÄW ÑÍCH SÖÄ£ ÑÝÄ $ÚÄMÌ Q £ÄGÌ GÄK ÉÑÄK BÄDÄÑ....?????????,                     ......JÄDÍ...",
                        "MÄ£ÄM ÌÑÌ Q £ÄGÌ GÄLÄW ÑÍCH SÖÄ£ ÑÝÄ $ÚÄMÌ Q £ÄGÌ GÄK ÉÑÄK BÄDÄÑ....?????????,                     ......JÄDÍ..."),
                c("math in Unicode", "(-1/2)! = √π", "(-1/2)! = √π"),
                c("Leet line-art", "├┤a┼┐a┼┐a┼┐a┼┐a", "├┤a┼┐a┼┐a┼┐a┼┐a"));
    }

    static List<Case> all() {
        return Stream.of(inTheWild(), synthetic(), negative()).flatMap(s -> s).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("all")
    void fixText(Case c) {
        assertEquals(c.fixed(), Ftfy.fixText(c.original()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("all")
    void fixEncoding(Case c) {
        assertEquals(c.fixedEncoding(), Ftfy.fixEncoding(c.original()));
    }

    /** ftfy's own suite also checks that one more layer of UTF-8 read as Latin-1 changes nothing. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("all")
    void fixTextWithAnExtraLayerOfMojibake(Case c) {
        String extraBad = new String(c.original().getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        assertEquals(c.fixed(), Ftfy.fixText(extraBad));
    }
}

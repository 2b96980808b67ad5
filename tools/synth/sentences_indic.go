package synth

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Hindi and Marathi (Devanagari) and Telugu word lists. Phrases are stored
// already inflected for the slot they fill (locative, dative, plural), and
// every template's verb agrees with a fixed subject (we, you, a plural, a
// named person of known gender), so no template needs agreement rules.
// Nukta letters (ज़, ड़) are avoided: the Hindi NSK voice drops words with
// ज़ and crashes on ड़.
var (
	hiTimes   = []string{"कल सुबह", "आज शाम को", "अगले हफ्ते", "रविवार को", "दोपहर में", "परसों", "सोमवार को", "छुट्टी के दिन"}
	hiPlaces  = [][2]string{{"बाजार", "बाजार में"}, {"स्टेशन", "स्टेशन पर"}, {"स्कूल", "स्कूल में"}, {"गाँव", "गाँव में"}, {"दुकान", "दुकान पर"}, {"शहर", "शहर में"}, {"मेले", "मेले में"}, {"नदी के किनारे", "नदी के किनारे"}}
	hiObjects = strings.Split("एक नई किताब,एक पुराना रेडियो,एक लाल साइकिल,कुछ मीठे आम,एक लंबी मेज,एक सुंदर थाली,एक छोटा बक्सा,दो नए कप,एक हरी छतरी,एक भारी थैला", ",")
	hiVerbs   = strings.Fields("खरीदेंगे देखेंगे ढूँढेंगे बेचेंगे लाएँगे")
	hiWorkers = strings.Fields("किसान डॉक्टर अध्यापक दुकानदार मजदूर ड्राइवर")
	hiWork    = []string{"खेत में", "अस्पताल में", "स्कूल में", "दुकान पर", "बाजार में", "स्टेशन पर"}
	hiOften   = []string{"रोज सुबह", "हर शाम", "रविवार को भी", "दिन भर", "हर हफ्ते"}
	hiNames   = [][2]string{{"राम", "गा"}, {"मोहन", "गा"}, {"सुरेश", "गा"}, {"अमित", "गा"}, {"सीता", "गी"}, {"गीता", "गी"}, {"राधा", "गी"}, {"कमला", "गी"}}

	mrTimes   = []string{"उद्या सकाळी", "आज संध्याकाळी", "पुढच्या आठवड्यात", "रविवारी", "दुपारी", "परवा", "सोमवारी"}
	mrPlaces  = []string{"बाजारात", "शाळेत", "गावात", "दुकानात", "बागेत", "शहरात", "स्टेशनवर", "नदीजवळ"}
	mrAdjs    = strings.Fields("नवीन सुंदर लाल स्वस्त महाग")
	mrObjects = strings.Fields("पुस्तक घड्याळ पेन छत्री सायकल पिशवी खुर्ची टोपी")
	mrVerbsWe = strings.Fields("घेऊ बघू आणू विकू शोधू")
	mrVerbsYe = strings.Fields("घ्याल बघाल आणाल विकाल शोधाल")
	mrWorkers = strings.Fields("शेतकरी डॉक्टर शिक्षक दुकानदार कामगार")
	mrWork    = []string{"शेतात", "दवाखान्यात", "शाळेत", "दुकानात", "बाजारात"}
	mrOften   = []string{"रोज सकाळी", "दर रविवारी", "रोज संध्याकाळी", "नेहमी", "दिवसभर"}
	mrNames   = [][3]string{{"राम", "म्हणाला", "तो"}, {"सुरेश", "म्हणाला", "तो"}, {"अमित", "म्हणाला", "तो"}, {"सीता", "म्हणाली", "ती"}, {"गीता", "म्हणाली", "ती"}, {"सुनीता", "म्हणाली", "ती"}}

	teTimes   = []string{"రేపు", "రేపు ఉదయం", "ఈ సాయంత్రం", "వచ్చే వారం", "ఆదివారం", "మధ్యాహ్నం", "ఎల్లుండి"}
	tePlaces  = []string{"బజారులో", "బడిలో", "ఇంట్లో", "ఊరిలో", "దుకాణంలో", "తోటలో", "పట్నంలో"}
	teToward  = []string{"బజారుకు", "బడికి", "ఇంటికి", "ఊరికి", "దుకాణానికి", "తోటకు", "పట్నానికి"}
	teAdjs    = strings.Fields("కొత్త పాత పెద్ద చిన్న అందమైన")
	teObjects = strings.Fields("పుస్తకం గడియారం సైకిలు గొడుగు కుర్చీ సంచి బల్ల")
	teVerbsWe = strings.Fields("కొంటాము చూస్తాము తెస్తాము అమ్ముతాము వెతుకుతాము")
	teVerbsYe = strings.Fields("కొంటారా చూస్తారా తెస్తారా అమ్ముతారా వెతుకుతారా")
	teWorkers = strings.Fields("రైతులు ఉపాధ్యాయులు వైద్యులు వ్యాపారులు కూలీలు")
	teWork    = []string{"పొలంలో", "బడిలో", "ఆసుపత్రిలో", "దుకాణంలో", "ఊరిలో"}
	teOften   = []string{"ప్రతి రోజు", "ప్రతి ఉదయం", "ఆదివారం కూడా", "రోజంతా", "ప్రతి సాయంత్రం"}
	teNames   = [][2]string{{"రాము", "చెప్పాడు"}, {"రవి", "చెప్పాడు"}, {"కృష్ణ", "చెప్పాడు"}, {"సీత", "చెప్పింది"}, {"లక్ష్మి", "చెప్పింది"}, {"రాధ", "చెప్పింది"}}
)

// Hindi templates: 6 to 12 words; measured 2.5 to 3.5 s with the NSK voice
// (Marathi 2.5 to 3.9 s, Telugu 2.4 to 3.4 s, Russian 3.2 to 6.2 s).
var hiTemplates = []func(r *rand.Rand) string{
	func(r *rand.Rand) string {
		return fmt.Sprintf("हम %s %s %s %s।", pick(r, hiTimes), pickPair(r, hiPlaces)[1], pick(r, hiObjects), pick(r, hiVerbs))
	},
	func(r *rand.Rand) string {
		return fmt.Sprintf("क्या आप %s %s %s %s?", pick(r, hiTimes), pickPair(r, hiPlaces)[1], pick(r, hiObjects), pick(r, hiVerbs))
	},
	func(r *rand.Rand) string {
		return fmt.Sprintf("कई %s %s %s काम करते हैं।", pick(r, hiWorkers), pick(r, hiOften), pick(r, hiWork))
	},
	func(r *rand.Rand) string {
		n := pickPair(r, hiNames)
		return fmt.Sprintf("%s ने कहा कि वह %s %s जाए%s।", n[0], pick(r, hiTimes), pickPair(r, hiPlaces)[0], n[1])
	},
}

// Marathi templates: 5 to 9 words.
var mrTemplates = []func(r *rand.Rand) string{
	func(r *rand.Rand) string {
		return fmt.Sprintf("आम्ही %s %s %s %s %s.", pick(r, mrTimes), pick(r, mrPlaces), pick(r, mrAdjs), pick(r, mrObjects), pick(r, mrVerbsWe))
	},
	func(r *rand.Rand) string {
		return fmt.Sprintf("तुम्ही %s %s %s %s %s का?", pick(r, mrTimes), pick(r, mrPlaces), pick(r, mrAdjs), pick(r, mrObjects), pick(r, mrVerbsYe))
	},
	func(r *rand.Rand) string {
		return fmt.Sprintf("गावातले %s %s %s काम करतात.", pick(r, mrWorkers), pick(r, mrOften), pick(r, mrWork))
	},
	func(r *rand.Rand) string {
		n := mrNames[r.IntN(len(mrNames))]
		return fmt.Sprintf("%s %s की %s %s %s जाईल.", n[0], n[1], n[2], pick(r, mrTimes), pick(r, mrPlaces))
	},
}

// Telugu templates: 5 to 8 words.
var teTemplates = []func(r *rand.Rand) string{
	func(r *rand.Rand) string {
		return fmt.Sprintf("మేము %s %s ఒక %s %s %s.", pick(r, teTimes), pick(r, tePlaces), pick(r, teAdjs), pick(r, teObjects), pick(r, teVerbsWe))
	},
	func(r *rand.Rand) string {
		return fmt.Sprintf("మీరు %s %s ఒక %s %s %s?", pick(r, teTimes), pick(r, tePlaces), pick(r, teAdjs), pick(r, teObjects), pick(r, teVerbsYe))
	},
	func(r *rand.Rand) string {
		return fmt.Sprintf("మా ఊరి %s %s %s పని చేస్తారు.", pick(r, teWorkers), pick(r, teOften), pick(r, teWork))
	},
	func(r *rand.Rand) string {
		n := pickPair(r, teNames)
		return fmt.Sprintf("%s %s %s వస్తానని %s.", n[0], pick(r, teTimes), pick(r, teToward), n[1])
	},
}

func pickPair(r *rand.Rand, p [][2]string) [2]string { return p[r.IntN(len(p))] }

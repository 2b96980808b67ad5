package synth

import (
	"fmt"
	"math/rand/v2"
)

// ruNoun is an inanimate Russian noun in the accusative with its gender
// (0 masculine, 1 feminine, 2 neuter), which selects the adjective ending.
type ruNoun struct {
	acc    string
	gender int
}

// Russian word lists: adjectives as accusative forms by gender (inanimate
// masculine accusative = nominative), places in the prepositional case,
// names with the past-tense ending of their gender.
var (
	ruAdjs = [][3]string{{"новый", "новую", "новое"}, {"старый", "старую", "старое"},
		{"большой", "большую", "большое"}, {"красный", "красную", "красное"},
		{"тяжёлый", "тяжёлую", "тяжёлое"}, {"деревянный", "деревянную", "деревянное"},
		{"красивый", "красивую", "красивое"}, {"маленький", "маленькую", "маленькое"}}
	ruNouns = []ruNoun{{"стол", 0}, {"чайник", 0}, {"фонарь", 0}, {"зонтик", 0}, {"лампу", 1},
		{"корзину", 1}, {"лодку", 1}, {"книгу", 1}, {"скрипку", 1}, {"зеркало", 2},
		{"кресло", 2}, {"окно", 2}, {"ведро", 2}}
	ruPlaces = []string{"на рынке", "в библиотеке", "на вокзале", "в деревне", "у реки",
		"в саду", "на кухне", "в магазине", "на площади", "в школе"}
	ruTimes   = []string{"вчера", "вчера вечером", "сегодня утром", "в субботу", "прошлой зимой", "после обеда", "на прошлой неделе"}
	ruFutures = []string{"завтра утром", "в понедельник", "после обеда", "на следующей неделе", "сегодня вечером", "через час"}
	ruNames   = [][2]string{{"Иван", ""}, {"Пётр", ""}, {"Сергей", ""}, {"Михаил", ""},
		{"Анна", "а"}, {"Мария", "а"}, {"Ольга", "а"}, {"Наталья", "а"}}
	ruPast   = []string{"купил", "нашёл", "починил", "покрасил", "продал", "увидел"}
	ruWe     = []string{"купим", "найдём", "починим", "покрасим", "продадим", "спрячем"}
	ruHe     = []string{"купит", "найдёт", "починит", "покрасит", "продаст", "спрячет"}
	ruJobs   = []string{"врач", "учитель", "рыбак", "повар", "мастер", "сосед", "водитель", "почтальон"}
	ruPastNe = map[string]string{"нашёл": "нашл"}
)

// ruObject is an adjective and a noun agreeing in gender, accusative.
func ruObject(r *rand.Rand) string {
	n := ruNouns[r.IntN(len(ruNouns))]
	return ruAdjs[r.IntN(len(ruAdjs))][n.gender] + " " + n.acc
}

// ruPastOf is the past tense of verb for a name's gender ending ("" or "а").
func ruPastOf(verb, ending string) string {
	if ending == "" {
		return verb
	}
	if stem, ok := ruPastNe[verb]; ok {
		return stem + ending
	}
	return verb + ending
}

// Russian templates: 7 to 10 words, measured 3.2 to 6.2 s with msu_ru_nsh.
var ruTemplates = []func(r *rand.Rand) string{
	func(r *rand.Rand) string {
		n := ruNames[r.IntN(len(ruNames))]
		return fmt.Sprintf("%s %s %s %s %s.", n[0], ruPastOf(pick(r, ruPast), n[1]), ruObject(r), pick(r, ruPlaces), pick(r, ruTimes))
	},
	func(r *rand.Rand) string {
		return fmt.Sprintf("%s мы %s %s %s.", capitalRune(pick(r, ruFutures)), pick(r, ruWe), ruObject(r), pick(r, ruPlaces))
	},
	func(r *rand.Rand) string {
		return fmt.Sprintf("Почему %s не %s %s %s?", pick(r, ruJobs), pick(r, ruHe), ruObject(r), pick(r, ruPlaces))
	},
	func(r *rand.Rand) string {
		n := ruNames[r.IntN(len(ruNames))]
		return fmt.Sprintf("%s сказал%s, что %s придёт %s и %s %s.", n[0], n[1], pick(r, ruJobs), pick(r, ruFutures), pick(r, ruHe), ruNouns[r.IntN(len(ruNouns))].acc)
	},
}

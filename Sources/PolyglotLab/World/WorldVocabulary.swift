// The miniature world's closed vocabulary: every entity and value the generators can mention, in
// EN, DE, FR, IT, ES. Phrases carry their definite article un-elided and un-contracted ("la herbe",
// "lo elefante", "die Schweiz", "el siete"); `WorldGrammar` turns them into correct surface forms
// ("l'herbe", "dell'elefante", "der Schweiz", "del siete"). Keeping the article lets the grammar
// derive gender and contractions instead of listing every inflected form by hand.

/// One phrase in the five languages, in study order (EN, DE, FR, IT, ES).
struct Phrase: Hashable, Sendable {
    let forms: [String]
    init(_ en: String, _ de: String, _ fr: String, _ it: String, _ es: String) { forms = [en, de, fr, it, es] }
    subscript(lang: Lang) -> String { forms[lang.index] }
}

extension Lang {
    /// Position in study order, for arrays indexed by language.
    var index: Int {
        switch self {
        case .en: 0
        case .de: 1
        case .fr: 2
        case .it: 3
        case .es: 4
        }
    }
}

enum WorldVocabulary {
    /// 40 countries and their capitals (language-specific names, articles where the language uses one).
    static let countries: [(country: Phrase, capital: Phrase)] = [
        (
            Phrase("Austria", "Österreich", "la Autriche", "la Austria", "Austria"),
            Phrase("Vienna", "Wien", "Vienne", "Vienna", "Viena")
        ),
        (
            Phrase("France", "Frankreich", "la France", "la Francia", "Francia"),
            Phrase("Paris", "Paris", "Paris", "Parigi", "París")
        ),
        (
            Phrase("Germany", "Deutschland", "la Allemagne", "la Germania", "Alemania"),
            Phrase("Berlin", "Berlin", "Berlin", "Berlino", "Berlín")
        ),
        (Phrase("Italy", "Italien", "la Italie", "la Italia", "Italia"), Phrase("Rome", "Rom", "Rome", "Roma", "Roma")),
        (
            Phrase("Spain", "Spanien", "la Espagne", "la Spagna", "España"),
            Phrase("Madrid", "Madrid", "Madrid", "Madrid", "Madrid")
        ),
        (
            Phrase("Portugal", "Portugal", "le Portugal", "il Portogallo", "Portugal"),
            Phrase("Lisbon", "Lissabon", "Lisbonne", "Lisbona", "Lisboa")
        ),
        (
            Phrase("Switzerland", "die Schweiz", "la Suisse", "la Svizzera", "Suiza"),
            Phrase("Bern", "Bern", "Berne", "Berna", "Berna")
        ),
        (
            Phrase("the Netherlands", "die Niederlande", "les Pays-Bas", "i Paesi Bassi", "los Países Bajos"),
            Phrase("Amsterdam", "Amsterdam", "Amsterdam", "Amsterdam", "Ámsterdam")
        ),
        (
            Phrase("Belgium", "Belgien", "la Belgique", "il Belgio", "Bélgica"),
            Phrase("Brussels", "Brüssel", "Bruxelles", "Bruxelles", "Bruselas")
        ),
        (
            Phrase("Poland", "Polen", "la Pologne", "la Polonia", "Polonia"),
            Phrase("Warsaw", "Warschau", "Varsovie", "Varsavia", "Varsovia")
        ),
        (
            Phrase("Greece", "Griechenland", "la Grèce", "la Grecia", "Grecia"),
            Phrase("Athens", "Athen", "Athènes", "Atene", "Atenas")
        ),
        (
            Phrase("Sweden", "Schweden", "la Suède", "la Svezia", "Suecia"),
            Phrase("Stockholm", "Stockholm", "Stockholm", "Stoccolma", "Estocolmo")
        ),
        (
            Phrase("Norway", "Norwegen", "la Norvège", "la Norvegia", "Noruega"),
            Phrase("Oslo", "Oslo", "Oslo", "Oslo", "Oslo")
        ),
        (
            Phrase("Denmark", "Dänemark", "le Danemark", "la Danimarca", "Dinamarca"),
            Phrase("Copenhagen", "Kopenhagen", "Copenhague", "Copenaghen", "Copenhague")
        ),
        (
            Phrase("Finland", "Finnland", "la Finlande", "la Finlandia", "Finlandia"),
            Phrase("Helsinki", "Helsinki", "Helsinki", "Helsinki", "Helsinki")
        ),
        (
            Phrase("Ireland", "Irland", "la Irlande", "la Irlanda", "Irlanda"),
            Phrase("Dublin", "Dublin", "Dublin", "Dublino", "Dublín")
        ),
        (
            Phrase("Hungary", "Ungarn", "la Hongrie", "la Ungheria", "Hungría"),
            Phrase("Budapest", "Budapest", "Budapest", "Budapest", "Budapest")
        ),
        (
            Phrase("Romania", "Rumänien", "la Roumanie", "la Romania", "Rumania"),
            Phrase("Bucharest", "Bukarest", "Bucarest", "Bucarest", "Bucarest")
        ),
        (
            Phrase("Russia", "Russland", "la Russie", "la Russia", "Rusia"),
            Phrase("Moscow", "Moskau", "Moscou", "Mosca", "Moscú")
        ),
        (
            Phrase("Turkey", "die Türkei", "la Turquie", "la Turchia", "Turquía"),
            Phrase("Ankara", "Ankara", "Ankara", "Ankara", "Ankara")
        ),
        (
            Phrase("Egypt", "Ägypten", "la Égypte", "lo Egitto", "Egipto"),
            Phrase("Cairo", "Kairo", "Le Caire", "Il Cairo", "El Cairo")
        ),
        (
            Phrase("Japan", "Japan", "le Japon", "il Giappone", "Japón"),
            Phrase("Tokyo", "Tokio", "Tokyo", "Tokyo", "Tokio")
        ),
        (
            Phrase("China", "China", "la Chine", "la Cina", "China"),
            Phrase("Beijing", "Peking", "Pékin", "Pechino", "Pekín")
        ),
        (
            Phrase("India", "Indien", "la Inde", "la India", "India"),
            Phrase("New Delhi", "Neu-Delhi", "New Delhi", "Nuova Delhi", "Nueva Delhi")
        ),
        (
            Phrase("Canada", "Kanada", "le Canada", "il Canada", "Canadá"),
            Phrase("Ottawa", "Ottawa", "Ottawa", "Ottawa", "Ottawa")
        ),
        (
            Phrase("Mexico", "Mexiko", "le Mexique", "il Messico", "México"),
            Phrase("Mexico City", "Mexiko-Stadt", "Mexico", "Città del Messico", "Ciudad de México")
        ),
        (
            Phrase("Brazil", "Brasilien", "le Brésil", "il Brasile", "Brasil"),
            Phrase("Brasília", "Brasília", "Brasilia", "Brasilia", "Brasilia")
        ),
        (
            Phrase("Argentina", "Argentinien", "la Argentine", "la Argentina", "Argentina"),
            Phrase("Buenos Aires", "Buenos Aires", "Buenos Aires", "Buenos Aires", "Buenos Aires")
        ),
        (Phrase("Peru", "Peru", "le Pérou", "il Perù", "Perú"), Phrase("Lima", "Lima", "Lima", "Lima", "Lima")),
        (
            Phrase("Chile", "Chile", "le Chili", "il Cile", "Chile"),
            Phrase("Santiago", "Santiago", "Santiago", "Santiago", "Santiago")
        ),
        (
            Phrase("Cuba", "Kuba", "Cuba", "Cuba", "Cuba"),
            Phrase("Havana", "Havanna", "La Havane", "L'Avana", "La Habana")
        ),
        (
            Phrase("Australia", "Australien", "la Australie", "la Australia", "Australia"),
            Phrase("Canberra", "Canberra", "Canberra", "Canberra", "Canberra")
        ),
        (
            Phrase("Morocco", "Marokko", "le Maroc", "il Marocco", "Marruecos"),
            Phrase("Rabat", "Rabat", "Rabat", "Rabat", "Rabat")
        ),
        (
            Phrase("Kenya", "Kenia", "le Kenya", "il Kenya", "Kenia"),
            Phrase("Nairobi", "Nairobi", "Nairobi", "Nairobi", "Nairobi")
        ),
        (
            Phrase("Thailand", "Thailand", "la Thaïlande", "la Thailandia", "Tailandia"),
            Phrase("Bangkok", "Bangkok", "Bangkok", "Bangkok", "Bangkok")
        ),
        (
            Phrase("Vietnam", "Vietnam", "le Vietnam", "il Vietnam", "Vietnam"),
            Phrase("Hanoi", "Hanoi", "Hanoï", "Hanoi", "Hanói")
        ),
        (
            Phrase("Colombia", "Kolumbien", "la Colombie", "la Colombia", "Colombia"),
            Phrase("Bogotá", "Bogotá", "Bogota", "Bogotà", "Bogotá")
        ),
        (
            Phrase("Ukraine", "die Ukraine", "la Ukraine", "la Ucraina", "Ucrania"),
            Phrase("Kyiv", "Kiew", "Kiev", "Kiev", "Kiev")
        ),
        (
            Phrase("Croatia", "Kroatien", "la Croatie", "la Croazia", "Croacia"),
            Phrase("Zagreb", "Zagreb", "Zagreb", "Zagabria", "Zagreb")
        ),
        (
            Phrase("Iceland", "Island", "la Islande", "la Islanda", "Islandia"),
            Phrase("Reykjavik", "Reykjavík", "Reykjavik", "Reykjavík", "Reikiavik")
        )
    ]

    /// Number words 0–20.
    static let numbers: [Phrase] = [
        Phrase("zero", "null", "zéro", "zero", "cero"), Phrase("one", "eins", "un", "uno", "uno"),
        Phrase("two", "zwei", "deux", "due", "dos"), Phrase("three", "drei", "trois", "tre", "tres"),
        Phrase("four", "vier", "quatre", "quattro", "cuatro"), Phrase("five", "fünf", "cinq", "cinque", "cinco"),
        Phrase("six", "sechs", "six", "sei", "seis"), Phrase("seven", "sieben", "sept", "sette", "siete"),
        Phrase("eight", "acht", "huit", "otto", "ocho"), Phrase("nine", "neun", "neuf", "nove", "nueve"),
        Phrase("ten", "zehn", "dix", "dieci", "diez"), Phrase("eleven", "elf", "onze", "undici", "once"),
        Phrase("twelve", "zwölf", "douze", "dodici", "doce"),
        Phrase("thirteen", "dreizehn", "treize", "tredici", "trece"),
        Phrase("fourteen", "vierzehn", "quatorze", "quattordici", "catorce"),
        Phrase("fifteen", "fünfzehn", "quinze", "quindici", "quince"),
        Phrase("sixteen", "sechzehn", "seize", "sedici", "dieciséis"),
        Phrase("seventeen", "siebzehn", "dix-sept", "diciassette", "diecisiete"),
        Phrase("eighteen", "achtzehn", "dix-huit", "diciotto", "dieciocho"),
        Phrase("nineteen", "neunzehn", "dix-neuf", "diciannove", "diecinueve"),
        Phrase("twenty", "zwanzig", "vingt", "venti", "veinte")
    ]

    static let days: [Phrase] = [
        Phrase("Monday", "Montag", "lundi", "lunedì", "lunes"),
        Phrase("Tuesday", "Dienstag", "mardi", "martedì", "martes"),
        Phrase("Wednesday", "Mittwoch", "mercredi", "mercoledì", "miércoles"),
        Phrase("Thursday", "Donnerstag", "jeudi", "giovedì", "jueves"),
        Phrase("Friday", "Freitag", "vendredi", "venerdì", "viernes"),
        Phrase("Saturday", "Samstag", "samedi", "sabato", "sábado"),
        Phrase("Sunday", "Sonntag", "dimanche", "domenica", "domingo")
    ]

    static let months: [Phrase] = [
        Phrase("January", "Januar", "janvier", "gennaio", "enero"),
        Phrase("February", "Februar", "février", "febbraio", "febrero"),
        Phrase("March", "März", "mars", "marzo", "marzo"), Phrase("April", "April", "avril", "aprile", "abril"),
        Phrase("May", "Mai", "mai", "maggio", "mayo"), Phrase("June", "Juni", "juin", "giugno", "junio"),
        Phrase("July", "Juli", "juillet", "luglio", "julio"), Phrase("August", "August", "août", "agosto", "agosto"),
        Phrase("September", "September", "septembre", "settembre", "septiembre"),
        Phrase("October", "Oktober", "octobre", "ottobre", "octubre"),
        Phrase("November", "November", "novembre", "novembre", "noviembre"),
        Phrase("December", "Dezember", "décembre", "dicembre", "diciembre")
    ]

    /// Colour adjectives; "masculine/feminine" where FR, IT or ES inflect.
    static let colours: [Phrase] = [
        Phrase("white", "weiß", "blanc/blanche", "bianco/bianca", "blanco/blanca"),
        Phrase("black", "schwarz", "noir/noire", "nero/nera", "negro/negra"),
        Phrase("red", "rot", "rouge", "rosso/rossa", "rojo/roja"),
        Phrase("green", "grün", "vert/verte", "verde", "verde"),
        Phrase("yellow", "gelb", "jaune", "giallo/gialla", "amarillo/amarilla"),
        Phrase("blue", "blau", "bleu/bleue", "blu", "azul"),
        Phrase("brown", "braun", "marron", "marrone", "marrón"),
        Phrase("grey", "grau", "gris/grise", "grigio/grigia", "gris"),
        Phrase("orange", "orange", "orange", "arancione", "naranja")
    ]

    /// 22 things and the index of their colour in `colours`.
    static let things: [(thing: Phrase, colour: Int)] = [
        (Phrase("the snow", "der Schnee", "la neige", "la neve", "la nieve"), 0),
        (Phrase("the milk", "die Milch", "le lait", "il latte", "la leche"), 0),
        (Phrase("the sky", "der Himmel", "le ciel", "il cielo", "el cielo"), 5),
        (Phrase("the sea", "das Meer", "la mer", "il mare", "el mar"), 5),
        (Phrase("the grass", "das Gras", "la herbe", "la erba", "la hierba"), 3),
        (Phrase("the leaf", "das Blatt", "la feuille", "la foglia", "la hoja"), 3),
        (Phrase("the frog", "der Frosch", "la grenouille", "la rana", "la rana"), 3),
        (Phrase("the banana", "die Banane", "la banane", "la banana", "el plátano"), 4),
        (Phrase("the lemon", "die Zitrone", "le citron", "il limone", "el limón"), 4),
        (Phrase("the sun", "die Sonne", "le soleil", "il sole", "el sol"), 4),
        (Phrase("the blood", "das Blut", "le sang", "il sangue", "la sangre"), 2),
        (Phrase("the strawberry", "die Erdbeere", "la fraise", "la fragola", "la fresa"), 2),
        (Phrase("the tomato", "die Tomate", "la tomate", "il pomodoro", "el tomate"), 2),
        (Phrase("the cherry", "die Kirsche", "la cerise", "la ciliegia", "la cereza"), 2),
        (Phrase("the coal", "die Kohle", "le charbon", "il carbone", "el carbón"), 1),
        (Phrase("the night", "die Nacht", "la nuit", "la notte", "la noche"), 1),
        (Phrase("the crow", "die Krähe", "la corneille", "la cornacchia", "el cuervo"), 1),
        (Phrase("the chocolate", "die Schokolade", "le chocolat", "il cioccolato", "el chocolate"), 6),
        (Phrase("the wood", "das Holz", "le bois", "il legno", "la madera"), 6),
        (Phrase("the elephant", "der Elefant", "le éléphant", "lo elefante", "el elefante"), 7),
        (Phrase("the mouse", "die Maus", "la souris", "il topo", "el ratón"), 7),
        (Phrase("the carrot", "die Karotte", "la carotte", "la carota", "la zanahoria"), 8)
    ]

    /// 12 animals and the sound each makes in each language.
    static let animals: [(animal: Phrase, sound: Phrase)] = [
        (
            Phrase("the dog", "der Hund", "le chien", "il cane", "el perro"),
            Phrase("woof", "wau", "ouaf", "bau", "guau")
        ),
        (
            Phrase("the cat", "die Katze", "le chat", "il gatto", "el gato"),
            Phrase("meow", "miau", "miaou", "miao", "miau")
        ),
        (Phrase("the cow", "die Kuh", "la vache", "la mucca", "la vaca"), Phrase("moo", "muh", "meuh", "muu", "mu")),
        (
            Phrase("the rooster", "der Hahn", "le coq", "il gallo", "el gallo"),
            Phrase("cock-a-doodle-doo", "kikeriki", "cocorico", "chicchirichì", "quiquiriquí")
        ),
        (
            Phrase("the duck", "die Ente", "le canard", "la anatra", "el pato"),
            Phrase("quack", "quak", "coin-coin", "qua", "cuac")
        ),
        (
            Phrase("the sheep", "das Schaf", "le mouton", "la pecora", "la oveja"),
            Phrase("baa", "mäh", "bêê", "bee", "bee")
        ),
        (
            Phrase("the pig", "das Schwein", "le cochon", "il maiale", "el cerdo"),
            Phrase("oink", "grunz", "groin", "oink", "oinc")
        ),
        (
            Phrase("the bird", "der Vogel", "le oiseau", "lo uccello", "el pájaro"),
            Phrase("tweet", "tschilp", "cui-cui", "cip", "pío")
        ),
        (
            Phrase("the bee", "die Biene", "la abeille", "la ape", "la abeja"),
            Phrase("buzz", "summ", "bzz", "bzz", "zum")
        ),
        (
            Phrase("the snake", "die Schlange", "le serpent", "il serpente", "la serpiente"),
            Phrase("hiss", "zisch", "sss", "sss", "sss")
        ),
        (
            Phrase("the owl", "die Eule", "la chouette", "la civetta", "el búho"),
            Phrase("hoot", "schuhu", "hou-hou", "chiù", "uh")
        ),
        (
            Phrase("the horse", "das Pferd", "le cheval", "il cavallo", "el caballo"),
            Phrase("neigh", "wieher", "hiii", "iii", "jiji")
        )
    ]

    /// 22 pairs of opposite adjectives (each pair gives two directed facts).
    static let opposites: [(Phrase, Phrase)] = [
        (Phrase("big", "groß", "grand", "grande", "grande"), Phrase("small", "klein", "petit", "piccolo", "pequeño")),
        (Phrase("hot", "heiß", "chaud", "caldo", "caliente"), Phrase("cold", "kalt", "froid", "freddo", "frío")),
        (Phrase("fast", "schnell", "rapide", "veloce", "rápido"), Phrase("slow", "langsam", "lent", "lento", "lento")),
        (Phrase("old", "alt", "vieux", "vecchio", "viejo"), Phrase("young", "jung", "jeune", "giovane", "joven")),
        (Phrase("long", "lang", "long", "lungo", "largo"), Phrase("short", "kurz", "court", "corto", "corto")),
        (Phrase("high", "hoch", "haut", "alto", "alto"), Phrase("low", "niedrig", "bas", "basso", "bajo")),
        (
            Phrase("open", "offen", "ouvert", "aperto", "abierto"),
            Phrase("closed", "geschlossen", "fermé", "chiuso", "cerrado")
        ),
        (
            Phrase("light", "leicht", "léger", "leggero", "ligero"),
            Phrase("heavy", "schwer", "lourd", "pesante", "pesado")
        ),
        (Phrase("full", "voll", "plein", "pieno", "lleno"), Phrase("empty", "leer", "vide", "vuoto", "vacío")),
        (Phrase("good", "gut", "bon", "buono", "bueno"), Phrase("bad", "schlecht", "mauvais", "cattivo", "malo")),
        (Phrase("rich", "reich", "riche", "ricco", "rico"), Phrase("poor", "arm", "pauvre", "povero", "pobre")),
        (
            Phrase("happy", "glücklich", "heureux", "felice", "feliz"),
            Phrase("sad", "traurig", "triste", "triste", "triste")
        ),
        (Phrase("strong", "stark", "fort", "forte", "fuerte"), Phrase("weak", "schwach", "faible", "debole", "débil")),
        (Phrase("hard", "hart", "dur", "duro", "duro"), Phrase("soft", "weich", "mou", "morbido", "blando")),
        (Phrase("wet", "nass", "mouillé", "bagnato", "mojado"), Phrase("dry", "trocken", "sec", "asciutto", "seco")),
        (
            Phrase("clean", "sauber", "propre", "pulito", "limpio"),
            Phrase("dirty", "schmutzig", "sale", "sporco", "sucio")
        ),
        (Phrase("early", "früh", "tôt", "presto", "temprano"), Phrase("late", "spät", "tard", "tardi", "tarde")),
        (Phrase("thick", "dick", "épais", "spesso", "grueso"), Phrase("thin", "dünn", "mince", "sottile", "delgado")),
        (
            Phrase("wide", "breit", "large", "largo", "ancho"),
            Phrase("narrow", "schmal", "étroit", "stretto", "estrecho")
        ),
        (
            Phrase("easy", "einfach", "facile", "facile", "fácil"),
            Phrase("difficult", "schwierig", "difficile", "difficile", "difícil")
        ),
        (
            Phrase("loud", "laut", "bruyant", "rumoroso", "ruidoso"),
            Phrase("quiet", "leise", "silencieux", "silenzioso", "silencioso")
        ),
        (Phrase("beautiful", "schön", "beau", "bello", "bonito"), Phrase("ugly", "hässlich", "laid", "brutto", "feo"))
    ]
}

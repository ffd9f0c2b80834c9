/**
 * Name pools for generated users, in several scripts, so clients and reports meet Hangul, Cyrillic, Greek, Japanese
 * and accented Latin as well as ASCII. Each name carries the romanisation used for its email address, as a real
 * company directory would have it.
 */

/** A name as displayed, and as it appears in an email address. */
export type Name = readonly [display: string, romanised: string]

export interface NamePool {
  readonly script: string
  readonly given: readonly [Name, ...Array<Name>]
  readonly family: readonly [Name, ...Array<Name>]
  /** Relative share of generated users. */
  readonly weight: number
}

export const NAME_POOLS: readonly [NamePool, ...Array<NamePool>] = [
  {
    script: "ASCII",
    weight: 40,
    given: [
      ["James", "james"],
      ["Mary", "mary"],
      ["Robert", "robert"],
      ["Patricia", "patricia"],
      ["Michael", "michael"],
      ["Jennifer", "jennifer"],
      ["David", "david"],
      ["Linda", "linda"],
      ["Priya", "priya"],
      ["Wei", "wei"],
      ["Ahmed", "ahmed"],
      ["Olivia", "olivia"],
      ["Noah", "noah"],
      ["Emma", "emma"],
      ["Liam", "liam"],
      ["Ava", "ava"]
    ],
    family: [
      ["Smith", "smith"],
      ["Johnson", "johnson"],
      ["Williams", "williams"],
      ["Brown", "brown"],
      ["Jones", "jones"],
      ["Miller", "miller"],
      ["Davis", "davis"],
      ["Wilson", "wilson"],
      ["Anderson", "anderson"],
      ["Taylor", "taylor"],
      ["Patel", "patel"],
      ["Nguyen", "nguyen"],
      ["O'Brien", "obrien"],
      ["Clark-Lewis", "clark-lewis"]
    ]
  },
  {
    script: "Latin with diacritics",
    weight: 20,
    given: [
      ["José", "jose"],
      ["Zoë", "zoe"],
      ["Søren", "soren"],
      ["Łukasz", "lukasz"],
      ["Ágnes", "agnes"],
      ["François", "francois"],
      ["Björn", "bjorn"],
      ["Inês", "ines"],
      ["Mónica", "monica"],
      ["Jürgen", "jurgen"],
      ["Çağla", "cagla"],
      ["Dávid", "david"]
    ],
    family: [
      ["Müller", "muller"],
      ["García", "garcia"],
      ["Nowak", "nowak"],
      ["Dvořák", "dvorak"],
      ["Sørensen", "sorensen"],
      ["Öztürk", "ozturk"],
      ["Lefèvre", "lefevre"],
      ["Núñez", "nunez"],
      ["Kovačević", "kovacevic"],
      ["Ólafsdóttir", "olafsdottir"],
      ["Gonçalves", "goncalves"]
    ]
  },
  {
    script: "Hangul",
    weight: 12,
    given: [
      ["민준", "minjun"],
      ["서연", "seoyeon"],
      ["지훈", "jihoon"],
      ["하은", "haeun"],
      ["도윤", "doyun"],
      ["수아", "sua"],
      ["예준", "yejun"],
      ["지우", "jiwoo"]
    ],
    family: [
      ["김", "kim"],
      ["이", "lee"],
      ["박", "park"],
      ["최", "choi"],
      ["정", "jung"],
      ["강", "kang"],
      ["윤", "yoon"]
    ]
  },
  {
    script: "Cyrillic",
    weight: 10,
    given: [
      ["Алексей", "aleksei"],
      ["Мария", "maria"],
      ["Дмитрий", "dmitry"],
      ["Ольга", "olga"],
      ["Иван", "ivan"],
      ["Наталья", "natalya"],
      ["Сергей", "sergei"],
      ["Анна", "anna"]
    ],
    family: [
      ["Иванов", "ivanov"],
      ["Смирнова", "smirnova"],
      ["Кузнецов", "kuznetsov"],
      ["Попова", "popova"],
      ["Соколов", "sokolov"],
      ["Лебедева", "lebedeva"],
      ["Шевченко", "shevchenko"]
    ]
  },
  {
    script: "Greek",
    weight: 8,
    given: [
      ["Γιώργος", "giorgos"],
      ["Μαρία", "maria"],
      ["Νίκος", "nikos"],
      ["Ελένη", "eleni"],
      ["Δημήτρης", "dimitris"],
      ["Σοφία", "sofia"]
    ],
    family: [
      ["Παπαδόπουλος", "papadopoulos"],
      ["Κωνσταντίνου", "konstantinou"],
      ["Γεωργίου", "georgiou"],
      ["Νικολάου", "nikolaou"],
      ["Οικονόμου", "oikonomou"]
    ]
  },
  {
    script: "Japanese",
    weight: 10,
    given: [
      ["太郎", "taro"],
      ["花子", "hanako"],
      ["翔太", "shota"],
      ["さくら", "sakura"],
      ["陽菜", "hina"],
      ["健一", "kenichi"],
      ["美咲", "misaki"]
    ],
    family: [
      ["佐藤", "sato"],
      ["鈴木", "suzuki"],
      ["高橋", "takahashi"],
      ["田中", "tanaka"],
      ["渡辺", "watanabe"],
      ["伊藤", "ito"]
    ]
  }
]

/** Reserved example domains (RFC 2606 / 6761), so generated addresses can never reach a real mailbox. */
export const EMAIL_DOMAINS = ["example.com", "corp.example", "eu.example.com", "example.org"] as const

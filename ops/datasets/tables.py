"""The generator's tables: the category tree with its title templates, the title slots, the
features and uses of descriptions, brand-name syllables, and the showcase products.

Data, apart from the logic that draws from it (`ops.datasets.generator`): a new category or slot is
a line here, and the determinism guarantees of the generator hold for whatever the tables say.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from schemas.product import CATEGORY_SEPARATOR, AttributeValue

# --------------------------------------------------------------------------------------------
# Slots: the variable parts of a title. Each renders as text and, when it has a key, also
# becomes a facet attribute, so the title and the attributes never disagree.


class Slot(NamedTuple):
    key: str | None  # attribute name, or None for wording that is not a facet
    options: tuple[tuple[str, AttributeValue], ...]  # (text in the title, attribute value)


def _s(key: str | None, *texts: str) -> Slot:
    """A slot whose attribute value is its text (repeat a text to weight it)."""
    return Slot(key, tuple((text, text) for text in texts))


def _n(key: str, fmt: str, *numbers: float) -> Slot:
    """A numeric slot: ``fmt`` renders the number in the title, the attribute keeps the number."""
    return Slot(key, tuple((fmt.format(_num_text(x)), x) for x in numbers))


def _p(key: str | None, *pairs: tuple[str, AttributeValue]) -> Slot:
    """A slot with explicit (text, attribute value) pairs."""
    return Slot(key, tuple(pairs))


def _num_text(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


# fmt: off
SLOTS: dict[str, Slot] = {
    # general
    "color": _s("color", "Black", "Black", "White", "Silver", "Gray", "Navy", "Blue", "Red",
        "Green", "Charcoal", "Beige", "Graphite", "Rose Gold", "Midnight Blue"),
    "colorway": _s("color", "Black/White", "Triple Black", "Navy/Gray", "White/Volt", "Gray/Orange",
        "Blue/Lime", "Core Black/Red", "Cloud White/Silver"),
    "finish": _s("finish", "Stainless Steel", "Stainless Steel", "Black Stainless Steel",
        "Matte Black", "Brushed Nickel", "Chrome", "Oil-Rubbed Bronze", "White"),
    "wood": _s("material", "Solid Oak", "Walnut", "Acacia Wood", "Pine", "Mango Wood",
        "Engineered Wood", "Rubberwood"),
    "fabric": _s("material", "Velvet", "Linen Blend", "Performance Fabric", "Top-Grain Leather",
        "Faux Leather", "Boucle", "Chenille"),
    "fabcolor": _s("color", "Emerald Green", "Charcoal Gray", "Navy Blue", "Cream", "Cognac",
        "Sage Green", "Light Gray", "Mustard Yellow", "Ivory"),
    "pack": _p("pack_size", ("(2-Pack)", 2), ("(4-Pack)", 4), ("(6-Pack)", 6), ("(10-Pack)", 10),
        ("(12-Pack)", 12)),
    "pieces": _n("pieces", "{}-Piece", 3, 5, 7, 10, 12, 15),
    "gender": _s("gender", "Men's", "Women's"),
    "kids": _s("gender", "Boys'", "Girls'", "Kids'"),
    "num": _p(None, *((str(i), str(i)) for i in range(2, 13))),
    # electronics
    "tvsize": _n("screen_size", "{}", 32, 43, 50, 55, 55, 65, 65, 75, 85),
    "res": _s("resolution", "4K UHD", "4K UHD", "4K UHD", "8K", "1080p Full HD"),
    "panel": _s("display_type", "LED", "QLED", "OLED", "Mini-LED", "LED"),
    "hz": _n("refresh_rate", "{}Hz", 60, 120, 144, 240),
    "monsize": _n("screen_size", "{}", 24, 27, 27, 32, 34),
    "monres": _s("resolution", "1080p FHD", "1440p QHD", "4K UHD", "WQHD"),
    "lapsize": _n("screen_size", "{}", 13.3, 14, 15.6, 15.6, 16, 17.3),
    "cpu": _s("processor", "Intel Core i5", "Intel Core i7", "Intel Core i9", "AMD Ryzen 5",
        "AMD Ryzen 7", "AMD Ryzen 9"),
    "ram": _n("memory_gb", "{}GB", 8, 16, 16, 32, 64),
    "ssd": _s("storage", "256GB SSD", "512GB SSD", "1TB SSD", "2TB SSD"),
    "gpu": _p("gpu", ("RTX-4060 8GB GDDR6", "RTX-4060"), ("RTX-4060 Ti 16GB GDDR6", "RTX-4060 Ti"),
        ("RTX-4070 12GB GDDR6X", "RTX-4070"), ("RTX-4070 Ti 12GB GDDR6X", "RTX-4070 Ti"),
        ("RTX-4080 16GB GDDR6X", "RTX-4080"), ("RTX-4090 24GB GDDR6X", "RTX-4090"),
        ("RX-7600 8GB GDDR6", "RX-7600"), ("RX-7800 XT 16GB GDDR6", "RX-7800 XT"),
        ("RX-7900 XTX 24GB GDDR6", "RX-7900 XTX")),
    "conn": _s("connector", "USB-C to USB-C", "USB-C to USB-C", "USB-A to USB-C",
        "USB-C to Lightning", "USB-C to HDMI", "HDMI 2.1", "DisplayPort 1.4", "Micro-USB"),
    "cablelen": _s("length", "3 ft.", "6 ft.", "6 ft.", "10 ft.", "1 m", "2 m"),
    "chargew": _n("wattage", "{}W", 20, 30, 65, 100, 140, 240),
    "mah": _n("capacity_mah", "{}mAh", 5000, 10000, 20000, 26800),
    "phonestore": _s("storage", "64GB", "128GB", "128GB", "256GB", "512GB"),
    "carrier": _s("carrier", "Unlocked", "Unlocked", "Prepaid", "5G Unlocked"),
    "mp": _n("resolution_mp", "{}MP", 20.1, 24.2, 26, 33, 45),
    "lens": _s("focal_length", "50mm f/1.8", "24-70mm f/2.8", "70-200mm f/4", "18-55mm f/3.5-5.6",
        "85mm f/1.4", "16-35mm f/4"),
    "audio": _s("feature", "Noise Cancelling", "Wireless", "Bluetooth 5.3", "Hi-Res Audio"),
    "speakerw": _n("wattage", "{}-Watt", 20, 40, 60, 100, 300),
    "channels": _s("channels", "2.1-Channel", "3.1-Channel", "5.1-Channel", "7.1.2-Channel"),
    "wear": _n("case_size_mm", "{}mm", 40, 41, 44, 45, 46),
    # computers
    "drive": _s("capacity", "500GB", "1TB", "2TB", "4TB"),
    "iface": _s("interface", "NVMe M.2", "PCIe Gen4 NVMe M.2", "SATA III 2.5 in.", "USB 3.2 Gen 2"),
    "ramkit": _s("memory_kit", "16GB (2 x 8GB)", "32GB (2 x 16GB)", "64GB (2 x 32GB)"),
    "ddr": _s("memory_type", "DDR4 3200MHz", "DDR5 5600MHz", "DDR5 6000MHz"),
    "switch": _s("switch_type", "Red Linear", "Brown Tactile", "Blue Clicky", "Low-Profile"),
    "dpi": _n("dpi", "{} DPI", 8000, 16000, 26000),
    # appliances
    "fridgecuft": _n("capacity_cu_ft", "{} cu. ft.", 18.5, 20.6, 22.1, 25.5, 27.8),
    "washcuft": _n("capacity_cu_ft", "{} cu. ft.", 4.1, 4.5, 5.0, 5.2, 7.4),
    "mwcuft": _n("capacity_cu_ft", "{} cu. ft.", 0.7, 0.9, 1.1, 1.6, 1.9, 2.2),
    "mwwatts": _n("wattage", "{}-Watt", 700, 900, 1000, 1100, 1200),
    "btu": _p("btu", ("5,000 BTU", 5000), ("8,000 BTU", 8000), ("10,000 BTU", 10000),
        ("12,000 BTU", 12000), ("14,000 BTU", 14000)),
    "pint": _n("capacity_pints", "{}-Pint", 22, 35, 50),
    "heatw": _n("wattage", "{}-Watt", 750, 1500),
    "dba": _n("noise_dba", "{} dBA", 39, 42, 44, 46, 48),
    "range": _s("fuel", "Electric", "Gas", "Dual Fuel", "Induction"),
    "width30": _p("width_in", ("24 in.", 24), ("30 in.", 30), ("30 in.", 30), ("36 in.", 36)),
    # home improvement
    "volt": _p("voltage", ("12V", 12), ("18V", 18), ("20V MAX", 20), ("20V MAX", 20), ("40V", 40)),
    "chuck": _s("chuck_size", "3/8 in.", "1/2 in.", "1/2 in."),
    "ah": _n("battery_ah", "{}Ah", 2.0, 4.0, 5.0),
    "blade": _s("blade_size", "6-1/2 in.", "7-1/4 in.", "7-1/4 in.", "10 in.", "12 in."),
    "grit": _s("grit", "60-Grit", "80-Grit", "120-Grit", "220-Grit"),
    "hammeroz": _s("weight", "16 oz.", "20 oz.", "22 oz."),
    "tape": _s("length", "16 ft.", "25 ft.", "25 ft.", "35 ft."),
    "drive_sz": _s("drive_size", "1/4 in.", "3/8 in.", "1/2 in."),
    "screw": _s("size", "#6 x 1-1/4 in.", "#8 x 1-5/8 in.", "#8 x 2 in.", "#10 x 3 in.",
        "#9 x 2-1/2 in."),
    "lbpack": _s("package", "(1 lb.-Pack)", "(5 lb.-Pack)", "(100-Pack)", "(250-Pack)"),
    "nail": _s("size", "16d x 3-1/2 in.", "8d x 2-1/2 in.", "10d x 3 in.", "1-1/4 in."),
    "anchor": _s("size", "1/4 in. x 1-1/4 in.", "#8 x 7/8 in.", "3/8 in. x 3 in."),
    "nominal": _p("dimensions", ("2 in. x 4 in. x 8 ft.", "2x4x8"),
        ("2 in. x 4 in. x 10 ft.", "2x4x10"), ("2 in. x 6 in. x 8 ft.", "2x6x8"),
        ("4 in. x 4 in. x 8 ft.", "4x4x8"), ("2 in. x 10 in. x 12 ft.", "2x10x12")),
    "stud": _s("dimensions", "2x4", "2x4", "2x6", "4x4"),
    "thick": _s("thickness", "1/4 in.", "1/2 in.", "23/32 in.", "3/4 in."),
    "gal": _s("volume", "1 gal.", "1 gal.", "5 gal.", "1 qt.", "8 oz."),
    "sheen": _s("sheen", "Flat", "Eggshell", "Satin", "Semi-Gloss", "Matte"),
    "paintcolor": _s("color", "Harbor Mist", "Linen White", "Slate Blue", "Sandstone", "Fog Gray",
        "Midnight Navy", "Sage Leaf", "Warm Ivory"),
    "paintcode": _s(None, "#HDC-112", "#HDC-141", "#PPU-208", "#PPU-310", "#MQ-544", "#BL-141",
        "#BL-208", "#HDC-310"),
    "bulb": _s("equivalent", "60-Watt Equivalent A19", "60-Watt Equivalent A19",
        "100-Watt Equivalent A19", "65-Watt Equivalent BR30", "40-Watt Equivalent B11"),
    "kelvin": _s("color_temperature", "Soft White 2700K", "Bright White 3000K", "Daylight 5000K"),
    "cordlen": _s("length", "25 ft.", "50 ft.", "100 ft."),
    "gauge": _s("gauge", "16/3", "14/3", "12/3"),
    "fan": _n("blade_span_in", "{} in.", 44, 52, 52, 60),
    "lumens": _n("lumens", "{} Lumens", 800, 4000, 5000, 8000),
    "plank": _s("dimensions", "7 in. W x 48 in. L", "9 in. W x 60 in. L", "12 in. x 24 in."),
    "sqft": _s("coverage", "(23.77 sq. ft./case)", "(19.8 sq. ft./case)", "(15.5 sq. ft./case)"),
    "gpf": _s("flush", "1.28 GPF", "1.1 GPF", "0.8/1.28 GPF Dual Flush"),
    "heatergal": _n("capacity_gal", "{} Gal.", 30, 40, 50, 75),
    # kitchen
    "pan": _s("size", "8 in.", "10 in.", "10 in.", "12 in."),
    "cookmat": _s("material", "Tri-Ply Stainless Steel", "Cast Iron", "Nonstick Aluminum",
        "Carbon Steel", "Hard-Anodized Aluminum", "Enameled Cast Iron"),
    "qt": _s("capacity", "2 Qt.", "3 Qt.", "4 Qt.", "5.5 Qt.", "6 Qt.", "7 Qt."),
    "cups": _s("capacity", "5-Cup", "10-Cup", "12-Cup", "12-Cup", "14-Cup"),
    "appw": _n("wattage", "{}-Watt", 800, 1000, 1200, 1500, 1700),
    "speed": _n("speeds", "{}-Speed", 3, 5, 10, 12),
    "knife": _s("blade_length", "6 in.", "7 in.", "8 in.", "8 in.", "10 in."),
    "steel": _s("material", "German Stainless Steel", "Damascus Steel",
        "High-Carbon Stainless Steel", "Japanese VG-10 Steel"),
    "sheet": _s("size", "Half Sheet", "Quarter Sheet", "9 in. x 13 in.", "18 in. x 13 in."),
    "oz": _n("capacity_oz", "{} oz.", 12, 16, 20, 24),
    "dishmat": _s("material", "Porcelain", "Stoneware", "Tempered Glass", "Bone China"),
    # furniture & home
    "sofaw": _n("width_in", "{} in.", 72, 78, 84, 84, 89, 96),
    "seats": _p("seats", ("2-Seat", 2), ("3-Seat", 3), ("3-Seat", 3), ("4-Seat", 4)),
    "bedsize": _s("size", "Twin", "Full", "Queen", "Queen", "King", "California King"),
    "mattress": _s("type", "Memory Foam", "Hybrid", "Innerspring", "Gel Memory Foam"),
    "mthick": _n("thickness_in", "{} in.", 8, 10, 12, 14),
    "tc": _n("thread_count", "{} Thread Count", 300, 400, 600, 800, 1000),
    "rug": _s("size", "2 ft. x 3 ft.", "5 ft. x 7 ft.", "5 ft. x 7 ft.", "8 ft. x 10 ft.",
        "9 ft. x 12 ft."),
    "style": _s("style", "Mid-Century Modern", "Farmhouse", "Modern", "Industrial", "Coastal",
        "Traditional", "Scandinavian"),
    "drawers": _n("drawers", "{}-Drawer", 2, 3, 6, 9),
    "deskw": _n("width_in", "{} in.", 40, 47, 55, 63),
    "lampin": _n("height_in", "{} in.", 18, 24, 28, 62),
    # clothing
    "shoeline": _s(None, "Velocity", "Glide", "Stratus", "Aero", "Pulse", "Tempo", "Cascadia",
        "Ridgeback", "Nimbus", "Kinetic"),
    "fit": _s("fit", "Slim Fit", "Relaxed Fit", "Regular Fit", "Athletic Fit"),
    "cloth": _s("material", "Cotton", "Organic Cotton", "Merino Wool", "Polyester", "Fleece",
        "Linen", "Cotton Blend"),
    "jeans": _s("size", "30W x 30L", "32W x 30L", "32W x 32L", "34W x 32L", "36W x 30L"),
    "sleeve": _s("sleeve", "Short-Sleeve", "Long-Sleeve"),
    "liters": _n("capacity_l", "{}L", 20, 28, 35, 45),
    # sports
    "lb": _n("weight_lb", "{} lb.", 5, 10, 15, 25, 35, 50),
    "persons": _n("capacity_persons", "{}-Person", 2, 4, 4, 6, 8),
    "temp": _s("temperature_rating", "20°F", "30°F", "40°F", "0°F"),
    "wheel": _s("wheel_size", "26 in.", "27.5 in.", "29 in.", "700c"),
    "gears": _n("speeds", "{}-Speed", 7, 18, 21, 24),
    "ballsize": _s("size", "Size 5", "Size 4", "Official Size 7", "Intermediate Size 6"),
    "kayak": _s("length", "8 ft.", "10 ft.", "10 ft. 6 in.", "12 ft."),
    "mm": _n("thickness_mm", "{}mm", 4, 6, 8),
    "flex": _s("flex", "Regular", "Stiff", "Senior"),
    # toys
    "ages": _s("age_range", "Ages 3+", "Ages 5+", "Ages 8+", "Ages 10+", "Ages 14+", "Ages 18+"),
    "bricks": _p("pieces", ("(250 Pieces)", 250), ("(572 Pieces)", 572), ("(1,254 Pieces)", 1254),
        ("(3,036 Pieces)", 3036)),
    "puzzle": _n("pieces", "{}-Piece", 300, 500, 1000, 1000, 2000),
    "players": _s("players", "2-4 Players", "2-6 Players", "3-8 Players"),
    "scale": _s("scale", "1:10 Scale", "1:16 Scale", "1:18 Scale", "1:24 Scale"),
    # automotive
    "tire": _s("size", "225/65R17 102H", "205/55R16 91V", "265/70R17 115T", "245/45R18 100W",
        "235/60R18 107V"),
    "season": _s("season", "All-Season", "All-Season", "All-Terrain", "Winter", "Summer"),
    "visc": _s("viscosity", "0W-20", "5W-20", "5W-30", "5W-30", "10W-30"),
    "quart": _s("volume", "1 Quart", "5 Quart", "5 Quart"),
    "group": _s("group_size", "Group 24F", "Group 35", "Group H6", "Group 65"),
    "cca": _n("cold_cranking_amps", "{} CCA", 550, 650, 760, 850),
    "amps": _n("peak_amps", "{}A", 1000, 1500, 2000, 3000),
    "wiper": _n("length_in", "{} in.", 16, 18, 20, 22, 24, 26),
    "dashres": _s("resolution", "1080p", "2K", "4K"),
    # garden
    "cc": _n("engine_cc", "{}cc", 140, 150, 163, 170, 201),
    "deck": _n("deck_in", "{} in.", 20, 21, 21, 22),
    "ride": _n("deck_in", "{} in.", 42, 46, 48, 54),
    "hp": _n("horsepower", "{} HP", 18, 20, 22, 24),
    "hose": _s("size", "5/8 in. x 50 ft.", "5/8 in. x 100 ft.", "1/2 in. x 25 ft.",
        "3/4 in. x 75 ft."),
    "burners": _n("burners", "{}-Burner", 2, 3, 4, 5),
    "psi": _p("psi", ("2000 PSI", 2000), ("2700 PSI", 2700), ("3100 PSI", 3100),
        ("3400 PSI", 3400)),
    "gpm": _n("gpm", "{} GPM", 1.2, 1.76, 2.3, 2.5),
    "cuft_soil": _s("volume", "1.5 cu. ft.", "2 cu. ft.", "0.75 cu. ft."),
    "planter": _n("diameter_in", "{} in.", 8, 12, 16, 20),
    # pets
    "bag": _n("weight_lb", "{} lb.", 4, 5, 15, 24, 30, 40),
    "flavor": _s("flavor", "Chicken & Rice", "Salmon & Sweet Potato", "Lamb & Brown Rice",
        "Turkey & Oatmeal", "Beef & Barley"),
    "petsize": _s("size", "Small", "Medium", "Large", "X-Large"),
    "aqgal": _n("capacity_gal", "{} Gal.", 5, 10, 20, 29, 55),
    # health & beauty
    "floz": _s("volume", "1.7 fl. oz.", "8 fl. oz.", "12 fl. oz.", "16.9 fl. oz.", "33.8 fl. oz."),
    "spf": _n("spf", "SPF {}", 15, 30, 50, 70),
    "hairw": _n("wattage", "{}-Watt", 1600, 1875, 2000),
    "skin": _s("skin_type", "for Dry Skin", "for Sensitive Skin", "for All Skin Types",
        "for Oily Skin"),
}
# fmt: on

# --------------------------------------------------------------------------------------------
# The category tree. One row per leaf: path, singular noun, median price in USD, relative weight,
# title templates ({slot} from SLOTS; {brand}, {model}, {tvmodel} are drawn per product).
# Extra facet slots that do not show in the title follow a "+".


@dataclass(frozen=True, slots=True)
class Leaf:
    """A leaf category: what its products are called and how they are priced and titled."""

    path: str
    noun: str
    median_price: float
    weight: float
    templates: tuple[str, ...]
    extra_slots: tuple[str, ...] = ()

    @property
    def top(self) -> str:
        return self.path.split(CATEGORY_SEPARATOR, 1)[0]


def _leaf(path: str, noun: str, price: float, weight: float, *templates: str) -> Leaf:
    extra = tuple(t[1:] for t in templates if t.startswith("+"))
    return Leaf(
        path, noun, price, weight, tuple(t for t in templates if not t.startswith("+")), extra
    )


_E = "Electronics"
_C = "Computers & Tablets"
_A = "Appliances"
_H = "Home Improvement"
_K = "Kitchen"
_F = "Furniture & Home"
_W = "Clothing, Shoes & Accessories"
_S = "Sports & Outdoors"
_T = "Toys & Games"
_U = "Automotive"
_G = "Garden & Outdoor"
_P = "Pet Supplies"
_B = "Health & Beauty"

# fmt: off
LEAVES: tuple[Leaf, ...] = (
    # Electronics
    _leaf(f"{_E} > TVs & Home Theater > Televisions", "television", 650, 6,
          '{brand} {tvmodel} {tvsize}" Class {res} {panel} Smart Television',
          '{brand} {tvsize}" {res} {panel} Smart TV with HDR ({tvmodel})',
          '{brand} {tvsize}" Class {res} {panel} {hz} Smart TV - {tvmodel}', "+hz"),
    _leaf(f"{_E} > TVs & Home Theater > Soundbars", "soundbar", 250, 2,
          "{brand} {channels} Soundbar with Wireless Subwoofer, {speakerw} - {color}",
          "{brand} {model} {channels} Dolby-Ready Sound Bar"),
    _leaf(f"{_E} > TVs & Home Theater > Home Theater Receivers", "receiver", 480, 0.6,
          "{brand} {model} {channels} 8K AV Receiver with Bluetooth"),
    _leaf(f"{_E} > TVs & Home Theater > Projectors", "projector", 700, 0.8,
          "{brand} {model} {res} Smart Home Theater Projector, 3000 Lumens"),
    _leaf(f"{_E} > TVs & Home Theater > TV Mounts", "TV mount", 60, 1.5,
          '{brand} Full-Motion TV Wall Mount for 42"-85" TVs, VESA 600x400',
          '{brand} Tilting TV Wall Mount for {tvsize}" TVs - {color}'),
    _leaf(f"{_E} > Audio > Headphones > Over-Ear Headphones", "headphones", 180, 2.5,
          "{brand} {model} {audio} Over-Ear Headphones - {color}",
          "{brand} Studio Pro Wireless {audio} Headphones with 40-Hour Battery - {color}"),
    _leaf(f"{_E} > Audio > Headphones > Wireless Earbuds", "earbuds", 110, 3,
          "{brand} {model} True Wireless {audio} Earbuds with Charging Case - {color}",
          "{brand} Sport Wireless Earbuds, IPX5 Sweatproof - {color}"),
    _leaf(f"{_E} > Audio > Bluetooth Speakers", "speaker", 90, 2,
          "{brand} {model} Portable Bluetooth Speaker, Waterproof IP67 - {color}",
          "{brand} Party Speaker {speakerw} with Lights - {color}"),
    _leaf(f"{_E} > Audio > Turntables", "turntable", 220, 0.5,
          "{brand} {model} Belt-Drive Turntable with Bluetooth Output - {color}"),
    _leaf(f"{_E} > Cameras > Mirrorless Cameras", "camera", 1100, 1,
          "{brand} {model} {mp} Mirrorless Camera with {lens} Lens - Black",
          "{brand} {model} Full-Frame Mirrorless Camera Body, {mp}"),
    _leaf(f"{_E} > Cameras > Action Cameras", "action camera", 280, 1,
          "{brand} {model} Waterproof 5.3K Action Camera - Black"),
    _leaf(f"{_E} > Cameras > Camera Lenses", "lens", 650, 0.8,
          "{brand} {lens} Lens for Mirrorless Cameras", "{brand} {model} {lens} Prime Lens"),
    _leaf(f"{_E} > Cell Phones > Unlocked Phones", "smartphone", 520, 3,
          "{brand} {model} {phonestore} {carrier} Smartphone - {color}",
          "{brand} Nova {num} 5G {phonestore} Cell Phone ({carrier}) - {color}"),
    _leaf(f"{_E} > Cell Phones > Cell Phone Cases", "phone case", 25, 3,
          "{brand} Slim Protective Case for {brand} Nova {num} - {color}",
          "{brand} Rugged Shockproof Phone Case with Kickstand - {color}"),
    _leaf(f"{_E} > Cell Phones > Chargers & Power Banks", "charger", 35, 3,
          "{brand} {chargew} USB-C Wall Charger, GaN Fast Charging - {color}",
          "{brand} {mah} Portable Power Bank with USB-C PD - {color}"),
    _leaf(f"{_E} > Wearable Technology > Smartwatches", "smartwatch", 260, 1.5,
          "{brand} {model} Smartwatch {wear} GPS with Heart Rate Monitor - {color}"),
    _leaf(f"{_E} > Smart Home > Smart Speakers", "smart speaker", 80, 1,
          "{brand} Smart Speaker with Voice Assistant - {color}"),
    _leaf(f"{_E} > Smart Home > Security Cameras", "security camera", 120, 1.5,
          "{brand} {dashres} Wireless Outdoor Security Camera with Night Vision {pack}",
          "{brand} {model} Video Doorbell, {dashres} HD - {color}"),
    _leaf(f"{_E} > Smart Home > Smart Plugs", "smart plug", 20, 1,
          "{brand} Wi-Fi Smart Plug {pack}, Works with Voice Assistants"),
    _leaf(f"{_E} > Video Games > Controllers", "controller", 60, 1.2,
          "{brand} Wireless Pro Controller for PC and Consoles - {color}"),
    # Computers & Tablets
    _leaf(f"{_C} > Laptops", "laptop", 900, 4,
          '{brand} {model} {lapsize}" Laptop - {cpu} - {ram} Memory - {ssd} - {color}',
          '{brand} Gaming Laptop {lapsize}" {hz} - {cpu} - {gpu} - {ssd}', "+ram"),
    _leaf(f"{_C} > Desktop Computers", "desktop computer", 1100, 1.5,
          "{brand} {model} Gaming Desktop - {cpu} - {ram} Memory - {gpu} - {ssd}",
          "{brand} All-in-One Desktop {cpu} {ram} {ssd} - {color}"),
    _leaf(f"{_C} > Monitors", "monitor", 300, 2.5,
          '{brand} {model} {monsize}" {monres} {hz} Gaming Monitor',
          '{brand} {monsize}" {monres} IPS Monitor with USB-C - {color}'),
    _leaf(f"{_C} > Tablets", "tablet", 420, 1.5,
          '{brand} Tab {num} 11" Tablet {phonestore} Wi-Fi - {color}'),
    _leaf(f"{_C} > Computer Components > Graphics Cards", "graphics card", 650, 1.5,
          "{brand} {gpu} PCI Express 4.0 Graphics Card",
          "{brand} Gaming OC {gpu} Video Card with Triple Fans"),
    _leaf(f"{_C} > Computer Components > Processors", "processor", 300, 1,
          "{brand} {model} {num}-Core Desktop Processor, Unlocked"),
    _leaf(f"{_C} > Computer Components > Memory", "memory kit", 90, 1,
          "{brand} Vengeance {ramkit} {ddr} Desktop Memory - {color}"),
    _leaf(f"{_C} > Computer Components > Internal SSDs", "SSD", 110, 1.5,
          "{brand} {model} {drive} {iface} Internal Solid State Drive"),
    _leaf(f"{_C} > Computer Accessories > External Hard Drives", "hard drive", 95, 1.2,
          "{brand} {drive} Portable External Hard Drive {iface} - {color}"),
    _leaf(f"{_C} > Computer Accessories > Keyboards", "keyboard", 90, 1.5,
          "{brand} {model} Mechanical Gaming Keyboard, {switch} Switches, RGB - {color}",
          "{brand} Wireless Slim Keyboard - {color}"),
    _leaf(f"{_C} > Computer Accessories > Mice", "mouse", 45, 1.5,
          "{brand} {model} Wireless Gaming Mouse {dpi} - {color}",
          "{brand} Ergonomic Vertical Mouse - {color}"),
    _leaf(f"{_C} > Computer Accessories > Cables & Adapters", "cable", 18, 3,
          "{brand} {cablelen} {conn} Cable, {chargew} Fast Charging, Braided Nylon - {color}",
          "{brand} {conn} Cable {cablelen} {pack} - {color}",
          "{brand} USB-C Hub Adapter 7-in-1 with HDMI 4K, {chargew} PD"),
    _leaf(f"{_C} > Printers", "printer", 220, 1,
          "{brand} {model} Wireless All-in-One Color Inkjet Printer",
          "{brand} {model} Monochrome Laser Printer, Wi-Fi"),
    # Appliances
    _leaf(f"{_A} > Refrigerators > French Door Refrigerators", "refrigerator", 2300, 1.5,
          "{brand} {fridgecuft} French Door Refrigerator in {finish}, ENERGY STAR",
          "{brand} 36 in. {fridgecuft} Smart French Door Refrigerator with Ice Maker in {finish}"),
    _leaf(f"{_A} > Refrigerators > Top Freezer Refrigerators", "refrigerator", 900, 0.8,
          "{brand} {fridgecuft} Top Freezer Refrigerator in {finish}"),
    _leaf(f"{_A} > Laundry > Washers", "washer", 850, 1.2,
          "{brand} {washcuft} High-Efficiency Front Load Washer in {color}, ENERGY STAR",
          "{brand} {washcuft} Top Load Washer with Agitator in White"),
    _leaf(f"{_A} > Laundry > Dryers", "dryer", 800, 1,
          "{brand} 7.4 cu. ft. {range} Dryer with Steam in {color}"),
    _leaf(f"{_A} > Dishwashers", "dishwasher", 750, 1.2,
          "{brand} 24 in. Top Control Built-In Dishwasher in {finish} with Third Rack, {dba}"),
    _leaf(f"{_A} > Ranges", "range", 1200, 1,
          "{brand} {width30} 5.3 cu. ft. Freestanding {range} Range in {finish}"),
    _leaf(f"{_A} > Microwaves > Over-the-Range Microwaves", "microwave", 380, 1,
          "{brand} {mwcuft} Over the Range Microwave in {finish} with Sensor Cooking"),
    _leaf(f"{_A} > Microwaves > Countertop Microwaves", "microwave", 140, 1.2,
          "{brand} {mwcuft} {mwwatts} Countertop Microwave in {finish}"),
    _leaf(f"{_A} > Vacuums > Robot Vacuums", "robot vacuum", 330, 1.5,
          "{brand} {model} Robot Vacuum and Mop with Self-Empty Base - {color}"),
    _leaf(f"{_A} > Vacuums > Stick Vacuums", "stick vacuum", 250, 1.2,
          "{brand} Cordless Stick Vacuum Cleaner, Lightweight - {color}"),
    _leaf(f"{_A} > Vacuums > Upright Vacuums", "vacuum", 180, 1,
          "{brand} {model} Bagless Upright Vacuum with HEPA Filter"),
    _leaf(f"{_A} > Heating & Cooling > Air Conditioners", "air conditioner", 420, 1,
          "{brand} {btu} Window Air Conditioner with Remote, 115V",
          "{brand} {btu} Portable Air Conditioner with Dehumidifier"),
    _leaf(f"{_A} > Heating & Cooling > Dehumidifiers", "dehumidifier", 230, 0.6,
          "{brand} {pint} Dehumidifier with Built-In Pump, ENERGY STAR"),
    _leaf(f"{_A} > Heating & Cooling > Space Heaters", "space heater", 60, 1,
          "{brand} {heatw} Ceramic Tower Space Heater - {color}"),
    # Home Improvement
    _leaf(f"{_H} > Tools > Power Tools > Power Drills", "drill", 130, 2.5,
          "{brand} {volt} Cordless {chuck} Drill/Driver Kit with (2) {ah} Batteries",
          "{brand} {volt} Brushless Cordless {chuck} Hammer Drill (Tool Only)"),
    _leaf(f"{_H} > Tools > Power Tools > Impact Drivers", "impact driver", 150, 1.5,
          "{brand} {volt} Brushless Cordless 1/4 in. Impact Driver Kit with {ah} Battery"),
    _leaf(f"{_H} > Tools > Power Tools > Circular Saws", "circular saw", 140, 1.2,
          "{brand} 15 Amp Corded {blade} Circular Saw",
          "{brand} {volt} Cordless {blade} Circular Saw (Tool Only)"),
    _leaf(f"{_H} > Tools > Power Tools > Sanders", "sander", 75, 1,
          "{brand} 5 in. Random Orbital Sander with Dust Bag and {grit} Sandpaper"),
    _leaf(f"{_H} > Tools > Hand Tools > Hammers", "hammer", 25, 1,
          "{brand} {hammeroz} Fiberglass Claw Hammer", "{brand} {hammeroz} Steel Framing Hammer"),
    _leaf(f"{_H} > Tools > Hand Tools > Tape Measures", "tape measure", 15, 1,
          "{brand} {tape} Tape Measure with Magnetic Hook"),
    _leaf(f"{_H} > Tools > Hand Tools > Wrenches", "wrench", 35, 1,
          "{brand} {drive_sz} Drive Ratchet and Socket Set SAE/Metric ({pieces})",
          "{brand} 10 in. Adjustable Wrench"),
    _leaf(f"{_H} > Tools > Tool Storage > Tool Chests", "tool chest", 400, 0.6,
          "{brand} 41 in. W {drawers} Rolling Tool Chest in {color}"),
    _leaf(f"{_H} > Hardware > Fasteners > Screws", "screws", 12, 2,
          "{brand} {screw} Phillips Bugle-Head Coarse Thread Drywall Screws {lbpack}",
          "{brand} {screw} Star Drive Flat-Head Exterior Wood Deck Screws {lbpack}"),
    _leaf(f"{_H} > Hardware > Fasteners > Nails", "nails", 15, 1,
          "{brand} {nail} Hot-Dipped Galvanized Common Nails {lbpack}"),
    _leaf(f"{_H} > Hardware > Fasteners > Anchors", "anchors", 9, 0.8,
          "{brand} {anchor} Plastic Wall Anchors with Screws {lbpack}"),
    _leaf(f"{_H} > Building Materials > Lumber > Dimensional Lumber", "lumber", 8, 1.5,
          "{nominal} Prime Kiln-Dried Whitewood Stud",
          "{stud} Pressure-Treated Lumber, Ground Contact ({nominal})"),
    _leaf(f"{_H} > Building Materials > Plywood", "plywood", 45, 0.8,
          "{thick} x 4 ft. x 8 ft. Sanded Pine Plywood", "{thick} x 4 ft. x 8 ft. OSB Sheathing"),
    _leaf(f"{_H} > Paint > Interior Paint", "paint", 45, 2,
          "{brand} {gal} {paintcode} {paintcolor} {sheen} Interior Paint and Primer",
          "{brand} Ultra {gal} {paintcolor} {sheen} Interior Paint"),
    _leaf(f"{_H} > Paint > Exterior Paint", "paint", 55, 1,
          "{brand} {gal} {paintcolor} {sheen} Exterior Paint and Primer"),
    _leaf(f"{_H} > Paint > Spray Paint", "spray paint", 8, 1,
          "{brand} 12 oz. {sheen} {color} General Purpose Spray Paint"),
    _leaf(f"{_H} > Paint > Paint Brushes", "paint brush", 12, 0.8,
          "{brand} 2-1/2 in. Angled Sash Paint Brush",
          "{brand} 9 in. x 3/8 in. Roller Cover {pack}"),
    _leaf(f"{_H} > Plumbing > Kitchen Faucets", "faucet", 190, 1.5,
          "{brand} Single-Handle Pull-Down Sprayer Kitchen Faucet in {finish}"),
    _leaf(f"{_H} > Plumbing > Bathroom Faucets", "faucet", 110, 1.2,
          "{brand} 4 in. Centerset 2-Handle Bathroom Faucet in {finish}"),
    _leaf(f"{_H} > Plumbing > Toilets", "toilet", 280, 1,
          "{brand} 2-Piece {gpf} Elongated Toilet in White, Seat Included"),
    _leaf(f"{_H} > Plumbing > Water Heaters", "water heater", 700, 0.6,
          "{brand} {heatergal} Gas Tank Water Heater, 6-Year Warranty"),
    _leaf(f"{_H} > Electrical > Light Bulbs", "light bulb", 12, 2,
          "{brand} {bulb} Dimmable LED Light Bulb {kelvin} {pack}"),
    _leaf(f"{_H} > Electrical > Extension Cords", "extension cord", 30, 1,
          "{brand} {cordlen} {gauge} Outdoor Extension Cord, Orange"),
    _leaf(f"{_H} > Lighting > Ceiling Fans", "ceiling fan", 180, 1,
          "{brand} {fan} Indoor LED Ceiling Fan with Remote in {finish}"),
    _leaf(f"{_H} > Lighting > Shop Lights", "shop light", 40, 0.8,
          "{brand} 4 ft. {lumens} Linkable LED Shop Light, 5000K {pack}"),
    _leaf(f"{_H} > Flooring > Vinyl Plank Flooring", "vinyl plank", 55, 1,
          "{brand} {color} Oak 12 mil x {plank} Waterproof Luxury Vinyl Plank Flooring {sqft}"),
    _leaf(f"{_H} > Flooring > Tile", "tile", 40, 0.8,
          "{brand} {color} {plank} Porcelain Floor and Wall Tile {sqft}"),
    # Kitchen
    _leaf(f"{_K} > Cookware > Skillets", "skillet", 45, 2, "{brand} {pan} {cookmat} Skillet",
          "{brand} Pro {pan} {cookmat} Fry Pan with Lid"),
    _leaf(f"{_K} > Cookware > Saucepans", "saucepan", 50, 1,
          "{brand} {qt} {cookmat} Saucepan with Lid"),
    _leaf(f"{_K} > Cookware > Dutch Ovens", "Dutch oven", 90, 1,
          "{brand} {qt} Enameled Cast Iron Dutch Oven - {color}"),
    _leaf(f"{_K} > Cookware > Cookware Sets", "cookware set", 180, 1,
          "{brand} {pieces} {cookmat} Cookware Set"),
    _leaf(f"{_K} > Bakeware > Baking Sheets", "baking sheet", 20, 1,
          "{brand} Aluminum {sheet} Baking Pan {pack}"),
    _leaf(f"{_K} > Cutlery > Chef Knives", "chef knife", 60, 1,
          "{brand} {knife} {steel} Chef Knife", "{brand} Pro {knife} Santoku Knife, {steel}"),
    _leaf(f"{_K} > Cutlery > Knife Sets", "knife set", 130, 0.8,
          "{brand} {pieces} {steel} Knife Block Set - {color}"),
    _leaf(f"{_K} > Small Appliances > Coffee Makers", "coffee maker", 80, 2,
          "{brand} {cups} Programmable Coffee Maker - {color}",
          "{brand} Single-Serve Coffee Maker with {oz} Travel Mug - {color}"),
    _leaf(f"{_K} > Small Appliances > Blenders", "blender", 90, 1.2,
          "{brand} {appw} Professional Countertop Blender, 64 oz. - {color}"),
    _leaf(f"{_K} > Small Appliances > Air Fryers", "air fryer", 100, 2,
          "{brand} {qt} Digital Air Fryer with {appw} - {color}"),
    _leaf(f"{_K} > Small Appliances > Slow Cookers", "slow cooker", 50, 1,
          "{brand} {qt} Programmable Slow Cooker in {finish}"),
    _leaf(f"{_K} > Small Appliances > Stand Mixers", "stand mixer", 280, 0.8,
          "{brand} 5 Qt. Tilt-Head Stand Mixer, {speed} - {color}"),
    _leaf(f"{_K} > Small Appliances > Toasters", "toaster", 40, 1,
          "{brand} 4-Slice Wide-Slot Toaster in {finish}"),
    _leaf(f"{_K} > Small Appliances > Electric Kettles", "electric kettle", 40, 1,
          "{brand} 1.7 Liter Electric Kettle, {appw} - {color}"),
    _leaf(f"{_K} > Dinnerware > Plates", "plate set", 45, 0.8,
          "{brand} {dishmat} 10.5 in. Dinner Plates (Set of 6) - {color}"),
    _leaf(f"{_K} > Dinnerware > Mugs", "mug", 25, 0.8,
          "{brand} {oz} {dishmat} Coffee Mugs {pack} - {color}"),
    _leaf(f"{_K} > Kitchen Storage > Food Storage Containers", "container set", 30, 1,
          "{brand} {pieces} Glass Food Storage Containers with Locking Lids"),
    # Furniture & Home
    _leaf(f"{_F} > Living Room > Sofas & Couches", "sofa", 900, 2,
          "{brand} {style} {sofaw} {fabric} {seats} Sofa in {fabcolor}",
          "{brand} {sofaw} Upholstered {seats} Couch - {fabcolor} {fabric}",
          "{brand} Sectional Sofa Couch, L-Shaped {fabric} - {fabcolor}"),
    _leaf(f"{_F} > Living Room > Coffee Tables", "coffee table", 220, 1.2,
          "{brand} {style} {wood} Coffee Table with Storage Shelf"),
    _leaf(f"{_F} > Living Room > TV Stands", "TV stand", 200, 1,
          '{brand} {style} TV Stand for TVs up to {tvsize}" - {wood}'),
    _leaf(f"{_F} > Living Room > Accent Chairs", "accent chair", 300, 1,
          "{brand} {style} {fabric} Accent Chair - {fabcolor}"),
    _leaf(f"{_F} > Living Room > Recliners", "recliner", 550, 0.8,
          "{brand} Power Lift Recliner Chair in {fabcolor} {fabric}"),
    _leaf(f"{_F} > Bedroom > Beds & Bed Frames", "bed frame", 400, 1.2,
          "{brand} {style} {bedsize} {wood} Platform Bed Frame",
          "{brand} {bedsize} Upholstered Bed Frame with Headboard - {fabcolor}"),
    _leaf(f"{_F} > Bedroom > Mattresses", "mattress", 700, 1.5,
          "{brand} {mthick} {mattress} Mattress, {bedsize}",
          "{brand} Cool Sleep {mthick} Medium-Firm {mattress} Mattress in a Box - {bedsize}"),
    _leaf(f"{_F} > Bedroom > Dressers", "dresser", 450, 0.8,
          "{brand} {style} {drawers} Dresser in {wood}"),
    _leaf(f"{_F} > Bedroom > Nightstands", "nightstand", 150, 0.8,
          "{brand} {style} 2-Drawer Nightstand - {wood}"),
    _leaf(f"{_F} > Office Furniture > Office Chairs", "office chair", 250, 1.5,
          "{brand} Ergonomic Mesh Office Chair with Lumbar Support - {color}"),
    _leaf(f"{_F} > Office Furniture > Desks", "desk", 280, 1.2,
          "{brand} {deskw} Electric Standing Desk - {color}",
          "{brand} {style} {deskw} Writing Desk"),
    _leaf(f"{_F} > Home Decor > Area Rugs", "area rug", 180, 1.5,
          "{brand} {style} {color} {rug} Area Rug"),
    _leaf(f"{_F} > Home Decor > Table Lamps", "lamp", 70, 1,
          "{brand} {style} {lampin} Table Lamp with Linen Shade {pack}"),
    _leaf(f"{_F} > Bedding > Sheet Sets", "sheet set", 70, 1.2,
          "{brand} {tc} {cloth} Sheet Set, {bedsize} - {color}"),
    _leaf(f"{_F} > Bedding > Comforters", "comforter", 110, 1,
          "{brand} All-Season Down Alternative Comforter, {bedsize} - {color}"),
    _leaf(f"{_F} > Bedding > Pillows", "pillow", 40, 1,
          "{brand} Cooling Gel Memory Foam Pillow, {bedsize} {pack}"),
    # Clothing, Shoes & Accessories
    _leaf(f"{_W} > Shoes > Running Shoes", "running shoe", 120, 2.5,
          "{brand} {gender} {shoeline} {num} Running Shoe - {colorway}",
          "{brand} {gender} {shoeline} Trail Running Shoes - {colorway}", "+sizes"),
    _leaf(f"{_W} > Shoes > Hiking Boots", "hiking boot", 150, 1.2,
          "{brand} {gender} {shoeline} Mid Waterproof Hiking Boot - {colorway}", "+sizes"),
    _leaf(f"{_W} > Shoes > Sneakers", "sneaker", 85, 2,
          "{brand} {gender} Classic Court Sneakers - {colorway}",
          "{brand} {gender} {shoeline} Low-Top Sneaker - {colorway}", "+sizes"),
    _leaf(f"{_W} > Shoes > Sandals", "sandal", 45, 1,
          "{brand} {gender} Adjustable Strap Slide Sandals - {color}", "+sizes"),
    _leaf(f"{_W} > Men's Clothing > T-Shirts", "T-shirt", 22, 2,
          "{brand} Men's {sleeve} {cloth} Crew Neck T-Shirt {pack} - {color}", "+apparelsizes"),
    _leaf(f"{_W} > Men's Clothing > Jeans", "jeans", 55, 1.5,
          "{brand} Men's {fit} Stretch Denim Jeans, {jeans} - {color}"),
    _leaf(f"{_W} > Men's Clothing > Jackets", "jacket", 120, 1.2,
          "{brand} Men's Waterproof Insulated Rain Jacket - {color}", "+apparelsizes"),
    _leaf(f"{_W} > Women's Clothing > Dresses", "dress", 60, 1.5,
          "{brand} Women's {sleeve} Wrap Midi Dress - {color}", "+apparelsizes"),
    _leaf(f"{_W} > Women's Clothing > Leggings", "leggings", 40, 1.5,
          "{brand} Women's High-Waisted Yoga Leggings with Pockets - {color}", "+apparelsizes"),
    _leaf(f"{_W} > Women's Clothing > Sweaters", "sweater", 65, 1.2,
          "{brand} Women's {cloth} Crewneck Sweater - {color}", "+apparelsizes"),
    _leaf(f"{_W} > Kids' Clothing > Hoodies", "hoodie", 30, 1,
          "{brand} {kids} Fleece Pullover Hoodie - {color}", "+apparelsizes"),
    _leaf(f"{_W} > Accessories > Backpacks", "backpack", 60, 1.2,
          '{brand} {liters} Travel Laptop Backpack fits 15.6" Laptops - {color}'),
    _leaf(f"{_W} > Accessories > Sunglasses", "sunglasses", 90, 1,
          "{brand} {gender} Polarized Aviator Sunglasses - {color}"),
    _leaf(f"{_W} > Accessories > Watches", "watch", 180, 1,
          "{brand} {gender} {wear} Stainless Steel Chronograph Watch - {color}"),
    # Sports & Outdoors
    _leaf(f"{_S} > Exercise & Fitness > Dumbbells", "dumbbell", 60, 1.2,
          "{brand} {lb} Rubber Hex Dumbbell", "{brand} Adjustable Dumbbell Set, 5-52.5 lb."),
    _leaf(f"{_S} > Exercise & Fitness > Treadmills", "treadmill", 900, 0.6,
          "{brand} {model} Folding Treadmill with Incline and Bluetooth"),
    _leaf(f"{_S} > Exercise & Fitness > Exercise Bikes", "exercise bike", 500, 0.6,
          "{brand} {model} Magnetic Indoor Cycling Exercise Bike"),
    _leaf(f"{_S} > Exercise & Fitness > Yoga Mats", "yoga mat", 30, 1,
          "{brand} {mm} Non-Slip Yoga Mat with Carrying Strap - {color}"),
    _leaf(f"{_S} > Camping & Hiking > Tents", "tent", 160, 1,
          "{brand} {persons} Dome Camping Tent with Rainfly - {color}"),
    _leaf(f"{_S} > Camping & Hiking > Sleeping Bags", "sleeping bag", 80, 0.8,
          "{brand} {temp} Mummy Sleeping Bag - {color}"),
    _leaf(f"{_S} > Camping & Hiking > Coolers", "cooler", 150, 1,
          "{brand} {oz}-Can Hard-Sided Rotomolded Cooler - {color}",
          "{brand} 45 Qt. Hard Cooler - {color}"),
    _leaf(f"{_S} > Cycling > Mountain Bikes", "mountain bike", 650, 0.8,
          "{brand} {model} {wheel} {gears} Hardtail Mountain Bike - {color}"),
    _leaf(f"{_S} > Cycling > Bike Helmets", "bike helmet", 55, 0.8,
          "{brand} MIPS Adult Bike Helmet - {color}", "+apparelsizes"),
    _leaf(f"{_S} > Team Sports > Basketballs", "basketball", 30, 0.8,
          "{brand} Indoor/Outdoor Composite Basketball, {ballsize}"),
    _leaf(f"{_S} > Team Sports > Soccer Balls", "soccer ball", 25, 0.8,
          "{brand} Match Soccer Ball, {ballsize} - {color}"),
    _leaf(f"{_S} > Water Sports > Kayaks", "kayak", 450, 0.5,
          "{brand} {kayak} Sit-On-Top Recreational Kayak - {color}"),
    _leaf(f"{_S} > Golf > Golf Balls", "golf balls", 35, 0.8,
          "{brand} Tour Soft Golf Balls (12-Pack) - {color}"),
    _leaf(f"{_S} > Golf > Golf Clubs", "driver", 350, 0.6,
          "{brand} {model} 10.5° Driver, {flex} Flex"),
    # Toys & Games
    _leaf(f"{_T} > Building Toys > Building Sets", "building set", 60, 1.5,
          "{brand} City Fire Station Building Set {bricks} {ages}",
          "{brand} Space Shuttle Building Kit {bricks}"),
    _leaf(f"{_T} > Games > Board Games", "board game", 30, 1.2,
          "{brand} Strategy Board Game, {players}, {ages}"),
    _leaf(f"{_T} > Games > Jigsaw Puzzles", "puzzle", 18, 1,
          "{brand} {puzzle} Jigsaw Puzzle - Mountain Lake Landscape"),
    _leaf(f"{_T} > Dolls & Accessories > Dollhouses", "dollhouse", 120, 0.6,
          "{brand} Wooden Dollhouse with Furniture ({pieces}) {ages}"),
    _leaf(f"{_T} > Action Figures", "action figure", 20, 1,
          "{brand} Galaxy Rangers 6 in. Action Figure {ages}"),
    _leaf(f"{_T} > Remote Control Toys > RC Cars", "RC car", 70, 0.8,
          "{brand} {scale} 4WD Off-Road Remote Control Truck - {color}"),
    _leaf(f"{_T} > Plush Toys", "plush toy", 18, 1, "{brand} 12 in. Plush Teddy Bear - {color}"),
    _leaf(f"{_T} > Outdoor Play > Swing Sets", "swing set", 500, 0.4,
          "{brand} Cedar Wooden Swing Set with Slide {ages}"),
    # Automotive
    _leaf(f"{_U} > Tires", "tire", 170, 1.2, "{brand} {model} {season} Tire {tire}",
          "{brand} Terra Grip {season} Tire - {tire}"),
    _leaf(f"{_U} > Oils & Fluids > Motor Oil", "motor oil", 30, 1,
          "{brand} {visc} Full Synthetic Motor Oil, {quart}"),
    _leaf(f"{_U} > Car Batteries", "car battery", 190, 0.8,
          "{brand} Platinum AGM Automotive Battery, {group}, {cca}"),
    _leaf(f"{_U} > Car Electronics > Jump Starters", "jump starter", 110, 0.8,
          "{brand} {amps} 12V Portable Lithium Jump Starter with USB-C"),
    _leaf(f"{_U} > Car Electronics > Dash Cams", "dash cam", 90, 0.8,
          "{brand} {model} {dashres} Front and Rear Dash Cam with Night Vision"),
    _leaf(f"{_U} > Exterior Accessories > Wiper Blades", "wiper blade", 20, 0.8,
          "{brand} {wiper} All-Season Beam Wiper Blade"),
    _leaf(f"{_U} > Interior Accessories > Floor Mats", "floor mats", 60, 0.6,
          "{brand} All-Weather Floor Mats, Front and Rear (4-Piece) - {color}"),
    # Garden & Outdoor
    _leaf(f"{_G} > Lawn Mowers > Push Mowers", "lawn mower", 350, 1,
          "{brand} {deck} {cc} Gas Walk Behind Push Mower",
          "{brand} {volt} Cordless {deck} Self-Propelled Lawn Mower with {ah} Battery"),
    _leaf(f"{_G} > Lawn Mowers > Riding Mowers", "riding mower", 2400, 0.4,
          "{brand} {ride} {hp} V-Twin Gas Riding Lawn Tractor"),
    _leaf(f"{_G} > Outdoor Power Equipment > Leaf Blowers", "leaf blower", 150, 0.8,
          "{brand} {volt} 600 CFM Cordless Leaf Blower with {ah} Battery"),
    _leaf(f"{_G} > Outdoor Power Equipment > Pressure Washers", "pressure washer", 300, 0.8,
          "{brand} {psi} {gpm} Gas Pressure Washer", "{brand} {psi} Electric Pressure Washer"),
    _leaf(f"{_G} > Watering & Irrigation > Garden Hoses", "garden hose", 40, 1,
          "{brand} {hose} Heavy-Duty Garden Hose - {color}"),
    _leaf(f"{_G} > Grills & Outdoor Cooking > Gas Grills", "gas grill", 450, 1,
          "{brand} {burners} Propane Gas Grill in {finish} with Side Burner"),
    _leaf(f"{_G} > Grills & Outdoor Cooking > Pellet Grills", "pellet grill", 650, 0.6,
          "{brand} {model} Wi-Fi Wood Pellet Grill and Smoker - Black"),
    _leaf(f"{_G} > Patio Furniture > Patio Dining Sets", "patio dining set", 800, 0.6,
          "{brand} {pieces} Aluminum Outdoor Patio Dining Set with {fabcolor} Cushions"),
    _leaf(f"{_G} > Garden Center > Planters", "planter", 35, 0.8,
          "{brand} {planter} Self-Watering Resin Planter - {color}"),
    _leaf(f"{_G} > Garden Center > Soil", "potting soil", 12, 0.8,
          "{brand} {cuft_soil} Organic Potting Mix"),
    # Pet Supplies
    _leaf(f"{_P} > Dogs > Dog Food", "dog food", 50, 1.5,
          "{brand} Adult Dry Dog Food, {flavor} Recipe, {bag} Bag"),
    _leaf(f"{_P} > Dogs > Dog Beds", "dog bed", 60, 0.8,
          "{brand} Orthopedic Memory Foam Dog Bed, {petsize} - {color}"),
    _leaf(f"{_P} > Dogs > Dog Toys", "dog toy", 12, 0.8, "{brand} Tough Chew Rope Dog Toy {pack}"),
    _leaf(f"{_P} > Cats > Cat Litter", "cat litter", 20, 0.8,
          "{brand} Clumping Unscented Cat Litter, {bag}"),
    _leaf(f"{_P} > Cats > Cat Trees", "cat tree", 90, 0.6,
          "{brand} 62 in. Multi-Level Cat Tree with Scratching Posts - {color}"),
    _leaf(f"{_P} > Fish & Aquatic Pets > Aquariums", "aquarium", 120, 0.4,
          "{brand} {aqgal} Glass Aquarium Kit with LED Light and Filter"),
    # Health & Beauty
    _leaf(f"{_B} > Hair Care > Hair Dryers", "hair dryer", 80, 1,
          "{brand} {hairw} Ionic Hair Dryer with Diffuser - {color}"),
    _leaf(f"{_B} > Hair Care > Shampoo", "shampoo", 14, 1,
          "{brand} Moisture Repair Shampoo, {floz}"),
    _leaf(f"{_B} > Skin Care > Moisturizers", "moisturizer", 25, 1,
          "{brand} Daily Hydrating Face Moisturizer {skin}, {floz}"),
    _leaf(f"{_B} > Skin Care > Sunscreen", "sunscreen", 15, 0.8,
          "{brand} Sport Sunscreen Lotion {spf}, {floz}"),
    _leaf(f"{_B} > Oral Care > Electric Toothbrushes", "electric toothbrush", 70, 1,
          "{brand} {model} Rechargeable Electric Toothbrush with 2 Brush Heads - {color}"),
    _leaf(f"{_B} > Shaving > Electric Shavers", "electric shaver", 90, 0.8,
          "{brand} Series {num} Wet & Dry Electric Foil Shaver"),
    _leaf(f"{_B} > Personal Care > Bathroom Scales", "bathroom scale", 35, 0.6,
          "{brand} Smart Body Fat Bathroom Scale with App - {color}"),
)
# fmt: on

# --------------------------------------------------------------------------------------------
# Words for descriptions, per top-level category.

# fmt: off
FEATURES: dict[str, tuple[str, ...]] = {
    _E: ("crisp, lifelike picture quality", "a long-lasting battery",
        "fast, stable wireless connections", "an intuitive companion app",
        "rich, room-filling sound", "low-latency Bluetooth pairing", "automatic firmware updates"),
    _C: ("smooth multitasking", "a cool, quiet thermal design", "fast boot and load times",
        "plug-and-play setup", "per-key RGB lighting", "a durable aluminum build",
        "full-speed USB-C connectivity"),
    _A: ("an ENERGY STAR rated design", "quiet operation",
        "smart sensors that adjust automatically", "easy-to-clean surfaces",
        "a fingerprint-resistant finish", "a large-capacity interior"),
    _H: ("a brushless motor for longer runtime", "a rugged, job-site ready build",
        "corrosion-resistant materials", "a comfortable over-molded grip",
        "precise, consistent results", "code-compliant construction"),
    _K: ("even heat distribution", "dishwasher-safe parts", "a stay-cool handle",
        "one-touch presets", "an easy-release nonstick surface", "oven-safe construction"),
    _F: ("sturdy solid-wood legs", "high-density foam cushions", "easy, tool-free assembly",
        "stain-resistant upholstery", "hidden storage space", "a timeless silhouette"),
    _W: ("breathable, moisture-wicking fabric", "a responsive cushioned midsole",
        "a true-to-size fit", "reinforced stitching", "a lightweight, packable design",
        "soft, all-day comfort"),
    _S: ("weather-resistant materials", "a lightweight frame", "a non-slip grip",
        "quick setup and takedown", "durable, tear-resistant fabric"),
    _T: ("bright, kid-safe materials", "hours of imaginative play",
        "clear step-by-step instructions", "pieces that are easy for small hands"),
    _U: ("OEM-quality fitment", "all-weather performance", "easy installation", "long service life",
        "excellent wet and dry traction"),
    _G: ("a reliable easy-start engine", "weather-resistant construction", "tool-free adjustments",
        "a rust-resistant finish", "high output for big jobs"),
    _P: ("veterinarian-recommended ingredients", "durable, chew-resistant materials",
        "a washable removable cover", "odor control that lasts"),
    _B: ("dermatologist-tested ingredients", "a fragrance-free formula",
        "salon-quality results at home", "a travel-friendly size"),
}
USES: dict[str, tuple[str, ...]] = {
    _E: ("movie nights", "gaming", "streaming", "workouts", "travel", "the home office"),
    _C: ("work", "school", "gaming", "content creation", "everyday computing"),
    _A: ("busy households", "small kitchens", "large families", "everyday chores"),
    _H: ("DIY projects", "remodeling", "professional contractors", "weekend repairs"),
    _K: ("weeknight dinners", "meal prep", "holiday baking", "everyday cooking"),
    _F: ("the living room", "small apartments", "guest rooms", "family gatherings"),
    _W: ("everyday wear", "long runs", "the gym", "weekend adventures", "travel"),
    _S: ("camping trips", "home workouts", "weekend adventures", "team practice"),
    _T: ("birthdays", "family game night", "rainy days", "classrooms"),
    _U: ("daily commutes", "road trips", "all seasons", "trucks and SUVs"),
    _G: ("large yards", "weekend cookouts", "spring cleanup", "patios and decks"),
    _P: ("dogs of all sizes", "indoor cats", "senior pets", "active pets"),
    _B: ("daily routines", "sensitive skin", "travel", "busy mornings"),
}
# fmt: on
OPENERS = (
    "The {brand} {noun} is built for {use}, combining {f1} with {f2}.",
    "Upgrade your setup with this {brand} {noun}, designed around {f1}.",
    "Meet the {brand} {noun}: {f1}, {f2} and a price that makes sense.",
    "This {noun} from {brand} brings {f1} to {use}.",
    "Get more done with the {brand} {noun}, featuring {f1} and {f2}.",
)
MIDDLES = (
    "Its thoughtful design delivers {f2}, so it keeps up with you day after day.",
    "You also get {f3}, which makes it a smart choice for {use}.",
    "Every detail was tested to hold up to real-world use, from {f2} to {f3}.",
    "Customers love {f3} and how simple it is to get started.",
    "With {f3} it stays reliable long after the first use.",
)
CLOSERS = (
    "Backed by a limited manufacturer warranty.",
    "Order today and see why so many shoppers rate it highly.",
    "A dependable pick for {use} at home or on the go.",
    "Check the specifications to find the right size and finish for you.",
    "Pair it with other {brand} products for a complete setup.",
)

# --------------------------------------------------------------------------------------------
# Brands.

# fmt: off
SYL_A = ("Vor", "Kal", "Bri", "Zen", "Nor", "Tal", "Mar", "Quin", "Sol", "Ard", "Bel", "Cor",
    "Dra", "El", "Fen", "Gal", "Hal", "Jor", "Lum", "Nex", "Or", "Pax", "Rav", "Sar", "Tor", "Vel",
    "Wen", "Zel", "Aer", "Cal", "Dex", "Kor", "Lyn", "Mo", "Tre", "Ven")
SYL_B = ("ex", "ora", "ix", "on", "ara", "ent", "ium", "ova", "ar", "is", "en", "ton", "ley",
    "tek", "tron", "co", "ia", "io", "ano", "ella", "ique", "ax", "ero", "ina")
WORD_A = ("Iron", "Stone", "River", "Oak", "North", "Summit", "Blue", "Silver", "Red", "Bright",
    "Cedar", "Harbor", "Maple", "Pine", "Swift", "True", "Wild", "Golden", "Prime", "Urban",
    "Copper", "Granite", "Falcon", "Evergreen", "Polar", "Sun")
WORD_B = ("wood", "ridge", "line", "craft", "works", "field", "peak", "stone", "haven", "gate",
    "point", "brook", "crest", "forge", "wave", "light", "mark", "well")
# fmt: on
BRAND_SUFFIX = ("", "", "", "", "", "", " Labs", " Pro", " Co.", " & Co.", " Group")
BRAND_COUNT = 320
BRANDS_PER_TOP = 48


SHOE_SIZES = (
    "5",
    "5.5",
    "6",
    "6.5",
    "7",
    "7.5",
    "8",
    "8.5",
    "9",
    "9.5",
    "10",
    "10.5",
    "11",
    "11.5",
    "12",
    "13",
    "14",
)
APPAREL_SIZES = ("XS", "S", "M", "L", "XL", "XXL", "3XL")
LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"


# --------------------------------------------------------------------------------------------
# Showcase products: fixed positions (0-based) among the first 200, fixed titles.


class Showcase(NamedTuple):
    position: int
    leaf_path: str
    template: str
    attributes: dict[str, AttributeValue]


SHOWCASE_PRODUCTS: dict[str, Showcase] = {
    "television": Showcase(
        3,
        f"{_E} > TVs & Home Theater > Televisions",
        '{brand} {tvmodel} 55" 4K UHD Smart LED Television',
        {"screen_size": 55, "resolution": "4K UHD", "display_type": "LED", "refresh_rate": 60},
    ),
    "running_shoe": Showcase(
        17,
        f"{_W} > Shoes > Running Shoes",
        "{brand} Men's Velocity 9 Running Shoe - Black/White",
        {"gender": "Men's", "color": "Black/White", "size": ["8", "8.5", "9", "9.5", "10", "11"]},
    ),
    "tv_55": Showcase(
        42,
        f"{_E} > TVs & Home Theater > Televisions",
        '{brand} 55" TV 4K UHD QLED Smart HDR ({tvmodel})',
        {"screen_size": 55, "resolution": "4K UHD", "display_type": "QLED", "refresh_rate": 120},
    ),
    "usb_c_cable": Showcase(
        77,
        f"{_C} > Computer Accessories > Cables & Adapters",
        "{brand} 6 ft. USB-C to USB-C Cable, 100W Fast Charging, Braided Nylon - Black",
        {"connector": "USB-C to USB-C", "length": "6 ft.", "wattage": 100, "color": "Black"},
    ),
    "rtx_4070": Showcase(
        120,
        f"{_C} > Computer Components > Graphics Cards",
        "{brand} RTX-4070 12GB GDDR6X PCI Express 4.0 Graphics Card",
        {"gpu": "RTX-4070"},
    ),
    "sofa": Showcase(
        163,
        f"{_F} > Living Room > Sofas & Couches",
        "{brand} Mid-Century Modern 84 in. Velvet 3-Seat Sofa Couch - Emerald Green",
        {
            "style": "Mid-Century Modern",
            "width_in": 84,
            "material": "Velvet",
            "seats": 3,
            "color": "Emerald Green",
        },
    ),
}

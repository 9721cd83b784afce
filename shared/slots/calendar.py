"""The deployment's delivery zones and slot templates, as data (:data:`CALENDAR`).

Zones are the Dutch cities the stores are in, by their postcode areas, each with its centre
(a delivery is routed as if to the centre: no address is geocoded). Home delivery runs Monday
to Saturday in three windows; stores offering click & collect hand orders out in two windows
a day. Changing a capacity or a window here changes the slots made from then on; a booking
keeps the slot it was made for.
"""

from __future__ import annotations

from datetime import time

from shared.locations.model import Coordinates
from shared.slots.model import CutOff, DeliveryZone, PostcodeRange, SlotCalendar, SlotOwner, SlotTemplate

MONDAY_TO_SATURDAY = range(6)
DELIVERY_WINDOWS = ((time(9), time(12)), (time(13), time(17)), (time(18), time(21)))
DELIVERY_CAPACITY = 20  # orders one van round can take in a window
PICKUP_WINDOWS = ((time(10), time(14)), (time(14), time(18)))
PICKUP_CAPACITY = 30  # orders a store's service desk can hand out in a window
PICKUP_CUTOFF = CutOff(days_before=0, at=time(8))  # the shelves are filled before the store opens

ZONES = (
    DeliveryZone("amsterdam", (PostcodeRange(1000, 1109),), "Amsterdam", Coordinates(lat=52.3676, lon=4.9041)),
    DeliveryZone("den-haag", (PostcodeRange(2490, 2599),), "Den Haag", Coordinates(lat=52.0705, lon=4.3007)),
    DeliveryZone("rotterdam", (PostcodeRange(3000, 3089),), "Rotterdam", Coordinates(lat=51.9244, lon=4.4777)),
    DeliveryZone("utrecht", (PostcodeRange(3500, 3585),), "Utrecht", Coordinates(lat=52.0907, lon=5.1214)),
    DeliveryZone("tilburg", (PostcodeRange(5000, 5049),), "Tilburg", Coordinates(lat=51.5555, lon=5.0913)),
    DeliveryZone("eindhoven", (PostcodeRange(5600, 5658),), "Eindhoven", Coordinates(lat=51.4416, lon=5.4697)),
    DeliveryZone("groningen", (PostcodeRange(9700, 9747),), "Groningen", Coordinates(lat=53.2194, lon=6.5665)),
)

# The locations that offer click & collect (stores and the pickup point).
PICKUP_LOCATIONS = (
    "amsterdam-kalverstraat", "utrecht-oudegracht", "rotterdam-lijnbaan", "den-haag-spuistraat", "eindhoven-demer",
    "groningen-herestraat", "pickup-utrecht-centraal",
)

CALENDAR = SlotCalendar(
    zones=ZONES,
    templates=(
        *(SlotTemplate(SlotOwner.delivery(zone.zone_id), weekday, start, end, capacity=DELIVERY_CAPACITY)
          for zone in ZONES for weekday in MONDAY_TO_SATURDAY for start, end in DELIVERY_WINDOWS),
        *(SlotTemplate(SlotOwner.pickup(location_id), weekday, start, end, capacity=PICKUP_CAPACITY,
                       cutoff=PICKUP_CUTOFF)
          for location_id in PICKUP_LOCATIONS for weekday in MONDAY_TO_SATURDAY for start, end in PICKUP_WINDOWS),
    ),
)

"""The catalog: products, their variants (SKUs), prices with validity and promotions (pure)."""

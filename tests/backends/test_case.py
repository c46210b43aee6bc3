"""The case backend's vote handling."""
from rjua.backends.case import _dominant_adrenal


def test_adrenal_votes_move_to_the_named_side_and_keep_the_larger():
    q = "体检发现右肾上腺占位。CT示双侧肾上腺类圆形低密度影，其中右侧较大"
    feats = {"左肾上腺肿瘤": [0.9, 2.0], "右肾上腺肿瘤": [0.5, 3.0], "左肾结石": [0.2, 1.0]}
    assert _dominant_adrenal(feats, q) == {"右肾上腺肿瘤": [0.9, 3.0], "左肾结石": [0.2, 1.0]}


def test_adrenal_votes_stay_where_one_adrenal_is_told():
    feats = {"左肾上腺肿瘤": [0.9, 2.0], "右肾上腺肿瘤": [0.5, 3.0]}
    assert _dominant_adrenal(feats, "右肾上腺占位，约2cm") == feats

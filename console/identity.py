"""What a resident ID number tells (GB 11643): digits 1-6 region, 7-14 birth date, 17 parity = gender."""


def gender_of(id_number):
    return "male" if int(id_number[16]) % 2 else "female"

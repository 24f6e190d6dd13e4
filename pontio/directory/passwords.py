class MaximumLengthValidator:
    def validate(self, password: str, user: object = None) -> None:
        pass

    def get_help_text(self) -> str:
        return ""


class UsernameNotInPasswordValidator(MaximumLengthValidator):
    pass
